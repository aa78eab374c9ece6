/* h5read.c: helpers shared by the HDF5 readers (SLEAP, ZebraZoom). */
#include "ingest/h5read.h"

#include "zfstress/core.h"

#include <string.h>

static const unsigned char hdf5_sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

int zf_h5_signature(const unsigned char *head, size_t n)
{
    return n >= sizeof hdf5_sig && memcmp(head, hdf5_sig, sizeof hdf5_sig) == 0;
}

int zf_h5_plausible_size(const char *path, const char *name, hid_t ds)
{
    int rc = ZF_OK;
    hid_t sp = H5I_INVALID_HID, ty = H5I_INVALID_HID;
    hssize_t np;
    ZF_H5(sp = H5Dget_space(ds), "'%s': dataset /%s: cannot read the shape", path, name);
    ZF_H5(np = H5Sget_simple_extent_npoints(sp), "'%s': dataset /%s: cannot read the shape", path, name);
    ZF_H5(ty = H5Dget_type(ds), "'%s': dataset /%s: cannot read the type", path, name);
    double declared = (double)np * (double)H5Tget_size(ty), stored = (double)H5Dget_storage_size(ds);
    if (declared > 1048576.0 && declared > 2048.0 * stored)
        rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: its shape declares %.0f bytes but the file stores %.0f: "
                      "expected the data in the file (a damaged or unfinished file?)", path, name, declared, stored);
done:
    if (ty >= 0) H5Tclose(ty);
    if (sp >= 0) H5Sclose(sp);
    return rc;
}

