/* zfstress.c: placeholder main, replaced by the dispatch table. */
#include "zfstress/core.h"
int main(void) { zf_init(); return 0; }
