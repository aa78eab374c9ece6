/* sim.h: synthetic ketamine dose study in the generic CSV cohort layout (labelled synthetic, deterministic for a seed). */
#ifndef ZFSTRESS_SIM_H
#define ZFSTRESS_SIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zf_sim_opts {
    size_t per_group;      /* fish per group, default 12 */
    double seconds;        /* trial length, default 360 */
    double fps;            /* frame rate, default 30 */
    unsigned long seed;    /* default 1 */
    const char *groups;    /* comma list, default "control,ket2,ket20,ket40";
                              "control" = 0 mg/L, "ketN" = N mg/L, "ketamine" = 20 mg/L */
    int test;              /* ZF_SIM_NTT (default), ZF_SIM_OFT or ZF_SIM_LDT */
} zf_sim_opts;

/* The behavioural test simulated: novel tank (side view, 200 x 150 mm, y = 0
 * at the floor), open field (top view, 300 x 300 mm, thigmotaxis) or light/dark
 * (top view, 300 x 100 mm, dark half x < 150 mm, scototaxis). */
enum { ZF_SIM_NTT = 0, ZF_SIM_OFT = 1, ZF_SIM_LDT = 2 };
/* "ntt", "oft", "ldt" -> ZF_SIM_*, or -1. */
int zf_sim_test_parse(const char *name);

void zf_sim_opts_default(zf_sim_opts *o);

/* Dose in mg/L of a group name as above; ZF_EINVAL for an unknown name. */
int zf_sim_group_dose(const char *name, double *dose);

/* Write outdir/samples.csv (subject,group,dose_mg_per_l,file,fps),
 * outdir/tracks/<subject>.csv (frame,time_s,x_mm,y_mm in the test's arena,
 * y up) and outdir/study.yaml. Creates outdir. */
int zf_simulate(const zf_sim_opts *o, const char *outdir);

#ifdef __cplusplus
}
#endif
#endif
