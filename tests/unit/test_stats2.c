/* test_stats2.c: Statistics II against R (tests/reference/stats_designs.csv from scripts/ref_stats2.R): factorial ANOVA, split-plot ANOVA, log-logistic fits, Jonckheere-Terpstra, Shapiro-Wilk, Brown-Forsythe; degenerate designs and study-wide families. */
#include "zfstress/core.h"
#include "zfstress/stats.h"

#include "check.h"
#include "refs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL 1e-8       /* closed forms and linear models */
#define REL_NL 1e-6    /* the nonlinear (log-logistic) fits */

static char qbuf[160];
static const char *q3(const char *a, const char *b, const char *c)
{
    snprintf(qbuf, sizeof qbuf, "%s.%s.%s", a, b, c);
    return qbuf;
}

static const zf_stat_row *find(const zf_stat_table *t, const char *procedure, const char *contrast)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].procedure, procedure) == 0 && strcmp(t->rows[i].contrast, contrast) == 0)
            return &t->rows[i];
    fprintf(stderr, "no row %s / %s\n", procedure, contrast);
    CHECK(0);
    return NULL;
}

/* For every reference quantity "<prefix>.<label>.<field>" of ds, call fn(label). */
static void each_label(const char *ds, const char *prefix, const char *field, void (*fn)(const char *ds, const char *label))
{
    size_t pl = strlen(prefix), fl = strlen(field);
    for (size_t i = 0; i < nrefs; i++) {
        const char *q = refs[i].quantity;
        size_t ql = strlen(q);
        char label[128];
        if (strcmp(refs[i].dataset, ds) != 0 || strncmp(q, prefix, pl) != 0 || q[pl] != '.' || ql < pl + fl + 3 ||
            strcmp(q + ql - fl, field) != 0 || q[ql - fl - 1] != '.')
            continue;
        if (ql - fl - 1 - pl - 1 >= sizeof label)
            continue;
        memcpy(label, q + pl + 1, ql - fl - 1 - pl - 1);
        label[ql - fl - 1 - pl - 1] = '\0';
        fn(ds, label);
    }
}

/* ---- factorial designs ---- */

static zf_stat_table fac_t;
static size_t checked;

static void check_anova_term(const char *ds, const char *term)
{
    const zf_stat_row *r2 = find(&fac_t, "anova_type2", term), *r3 = find(&fac_t, "anova_type3", term);
    if (!r2 || !r3)
        return;
    checked++;
    CHECK_NEAR(r2->statistic, ref(ds, q3("t2", term, "F")), REL);
    CHECK_NEAR(r2->estimate, r2->statistic, 0);
    CHECK_NEAR(r2->df, ref(ds, q3("t2", term, "df")), REL);
    CHECK_NEAR(r2->df2, ref(ds, "resid.df"), REL);
    CHECK_NEAR(r2->p, ref(ds, q3("t2", term, "p")), REL);
    CHECK_NEAR(r2->p_adjusted, r2->p, 0);
    CHECK(strcmp(r2->adjust_method, "none") == 0);
    if (ref(ds, "empty") > 0) {
        CHECK(isnan(r3->statistic) && isnan(r3->p));
        CHECK(strstr(r3->note, "type III not defined") != NULL);
        CHECK(strstr(r2->note, "empty cell") != NULL);
    } else {
        CHECK_NEAR(r3->statistic, ref(ds, q3("t3", term, "F")), REL);
        CHECK_NEAR(r3->df, ref(ds, q3("t3", term, "df")), REL);
        CHECK_NEAR(r3->df2, ref(ds, "resid.df"), REL);
        CHECK_NEAR(r3->p, ref(ds, q3("t3", term, "p")), REL);
    }
}

static void check_emm(const char *ds, const char *label)
{
    const zf_stat_row *r = find(&fac_t, "emmeans", label);
    if (!r)
        return;
    checked++;
    CHECK_NEAR(r->estimate, ref(ds, q3("emm", label, "est")), REL);
    CHECK_NEAR(r->ci_low, ref(ds, q3("emm", label, "lo")), REL);
    CHECK_NEAR(r->ci_high, ref(ds, q3("emm", label, "hi")), REL);
    CHECK_NEAR(r->df, ref(ds, q3("emm", label, "df")), REL);
    if (isnan(ref(ds, q3("emm", label, "est"))))
        CHECK(strstr(r->note, "not estimable") != NULL);
}

static void check_simple(const char *ds, const char *label)
{
    const zf_stat_row *r = find(&fac_t, "simple_effect", label);
    if (!r)
        return;
    checked++;
    CHECK_NEAR(r->statistic, ref(ds, q3("se", label, "F")), REL);
    if (isnan(r->statistic)) {
        CHECK(strstr(r->note, "fewer than 2 cells") != NULL);
        return;
    }
    CHECK_NEAR(r->df, ref(ds, q3("se", label, "df")), REL);
    CHECK_NEAR(r->df2, ref(ds, q3("se", label, "df2")), REL);
    CHECK_NEAR(r->p, ref(ds, q3("se", label, "p")), REL);
    CHECK(strcmp(r->adjust_method, "holm") == 0 && r->p_adjusted >= r->p);
}

static void check_pair(const char *ds, const char *label)
{
    const zf_stat_row *r = find(&fac_t, "pairwise_t", label);
    if (!r)
        return;
    checked++;
    CHECK_NEAR(r->estimate, ref(ds, q3("pw", label, "est")), REL);
    CHECK_NEAR(r->statistic, ref(ds, q3("pw", label, "t")), REL);
    CHECK_NEAR(r->df, ref(ds, q3("pw", label, "df")), REL);
    CHECK_NEAR(r->p, ref(ds, q3("pw", label, "p")), REL);
    CHECK_NEAR(r->ci_low, ref(ds, q3("pw", label, "lo")), REL);
    CHECK_NEAR(r->ci_high, ref(ds, q3("pw", label, "hi")), REL);
    CHECK_NEAR(r->p_adjusted, ref(ds, q3("pw", label, "p_holm")), REL);
    CHECK(strcmp(r->adjust_method, "holm") == 0);
}

static void check_sw(const char *ds, const char *label)
{
    const zf_stat_row *r = find(&fac_t, "shapiro_wilk", label);
    if (!r)
        return;
    checked++;
    CHECK_NEAR(r->statistic, ref(ds, q3("sw", label, "W")), REL);
    CHECK_NEAR(r->p, ref(ds, q3("sw", label, "p")), REL);
}

static void check_factorial(const char *ds, size_t nf)
{
    static const char *const names[] = {"A", "B", "C", "D"};
    size_t n, nlev[ZF_MAX_FACTORS] = {0};
    double *y = ref_vec(ds, "y", &n), *lv[ZF_MAX_FACTORS] = {NULL};
    const char **levels = malloc((n * nf + 1) * sizeof *levels);
    char (*pool)[8] = malloc((n * nf + 1) * sizeof *pool);
    zf_compare_opts o;
    size_t before;

    CHECK(y && levels && pool && n > 0);
    if (!y || !levels || !pool)
        goto done;
    fprintf(stderr, "factorial %s (%zu observations, %zu factors)\n", ds, n, nf);
    for (size_t f = 0; f < nf; f++) {
        lv[f] = ref_vec(ds, names[f], &nlev[f]);
        CHECK(lv[f] && nlev[f] == n);
        if (!lv[f] || nlev[f] != n)
            goto done;
        for (size_t i = 0; i < n; i++) {
            snprintf(pool[i * nf + f], sizeof pool[i * nf + f], "%c%d", 'a' + (int)f, (int)lv[f][i]);
            levels[i * nf + f] = pool[i * nf + f];
        }
    }
    zf_compare_opts_default(&o);
    zf_stat_table_init(&fac_t);
    CHECK_OK(zf_stats_factorial(&fac_t, "y", names, nf, levels, y, n, &o));
    /* terms in R's order */
    {
        static const char *const t2[] = {"A", "B", "A:B"};
        static const char *const t3[] = {"A", "B", "C", "A:B", "A:C", "B:C", "A:B:C"};
        const char *const *terms = nf == 1 ? t2 : nf == 2 ? t2 : t3;
        size_t nt = nf == 1 ? 1 : nf == 2 ? 3 : 7;
        CHECK(fac_t.n > nt && strcmp(fac_t.rows[0].procedure, "anova_type2") == 0);
        for (size_t i = 0; i < nt && i < fac_t.n; i++) {
            CHECK(strcmp(fac_t.rows[i].contrast, terms[i]) == 0);
            check_anova_term(ds, terms[i]);
        }
    }
    before = checked;
    each_label(ds, "emm", "est", check_emm);
    CHECK(checked > before);
    each_label(ds, "se", "F", check_simple);
    before = checked;
    each_label(ds, "pw", "est", check_pair);
    CHECK(checked > before);
    each_label(ds, "sw", "W", check_sw);
    {
        const char *term = nf == 1 ? "A" : nf == 2 ? "A:B" : "A:B:C";
        const zf_stat_row *r = find(&fac_t, "brown_forsythe", term);
        if (r) {
            CHECK_NEAR(r->statistic, ref(ds, "bf.F"), REL);
            CHECK_NEAR(r->df, ref(ds, "bf.df"), REL);
            CHECK_NEAR(r->df2, ref(ds, "bf.df2"), REL);
            CHECK_NEAR(r->p, ref(ds, "bf.p"), REL);
        }
    }
    /* every row has the metric and a known procedure */
    for (size_t i = 0; i < fac_t.n; i++)
        CHECK(strcmp(fac_t.rows[i].metric, "y") == 0);
done:
    zf_stat_table_free(&fac_t);
    free(y);
    for (size_t f = 0; f < nf; f++)
        free(lv[f]);
    free(levels);
    free(pool);
}

/* ---- split-plot ANOVA ---- */

static void check_repeated(const char *ds)
{
    size_t n, k1, ny, ng;
    double *kk = ref_vec(ds, "k", &k1), *y = ref_vec(ds, "Y", &ny), *g = ref_vec(ds, "g", &ng);
    const char **group = NULL;
    char (*gname)[24] = NULL, (*wname)[24] = NULL;
    const char **wl = NULL;
    size_t k = kk && k1 ? (size_t)kk[0] : 0;
    zf_compare_opts o;
    zf_stat_table t;

    zf_stat_table_init(&t);
    CHECK(kk && y && g && k > 0 && ny % k == 0);
    if (!kk || !y || !g || !k)
        goto done;
    n = ny / k;
    fprintf(stderr, "split-plot %s (%zu subjects x %zu bins)\n", ds, n, k);
    group = malloc((n + 1) * sizeof *group);
    gname = malloc((n + 1) * sizeof *gname);
    wname = malloc((k + 1) * sizeof *wname);
    wl = malloc((k + 1) * sizeof *wl);
    if (!group || !gname || !wname || !wl)
        goto done;
    for (size_t i = 0; i < n && ng; i++) {
        snprintf(gname[i], sizeof gname[i], "g%d", (int)g[i]);
        group[i] = gname[i];
    }
    for (size_t b = 0; b < k; b++) {
        snprintf(wname[b], sizeof wname[b], "%zu", b + 1);
        wl[b] = wname[b];
    }
    zf_compare_opts_default(&o);
    o.control = "g1";
    CHECK_OK(zf_stats_repeated(&t, "y", ng ? "group" : NULL, "bin", ng ? group : NULL, y, n, wl, k, &o));
    {
        static const char *const terms[] = {"group", "bin", "group:bin"};
        for (size_t i = ng ? 0 : 1; i < (ng ? 3u : 2u); i++) {
            const zf_stat_row *r = find(&t, "mixed_anova", terms[i]);
            char q[64];
            if (!r)
                continue;
            snprintf(q, sizeof q, "rm.%s.F", terms[i]);
            CHECK_NEAR(r->statistic, ref(ds, q), REL);
            snprintf(q, sizeof q, "rm.%s.df", terms[i]);
            CHECK_NEAR(r->df, ref(ds, q), REL);
            snprintf(q, sizeof q, "rm.%s.df2", terms[i]);
            CHECK_NEAR(r->df2, ref(ds, q), REL);
            snprintf(q, sizeof q, "rm.%s.p", terms[i]);
            CHECK_NEAR(r->p, ref(ds, q), REL);
            if (i == 0)
                continue;
            for (int h = 0; h < 2; h++) {
                const zf_stat_row *c = find(&t, h ? "mixed_anova_hf" : "mixed_anova_gg", terms[i]);
                if (!c)
                    continue;
                if (k == 2) {
                    CHECK(c->estimate == 1.0);
                    CHECK_NEAR(c->p, r->p, REL);
                    continue;
                }
                snprintf(q, sizeof q, "%s.%s.eps", h ? "hf" : "gg", terms[i]);
                CHECK_NEAR(c->estimate, ref(ds, q), REL);
                snprintf(q, sizeof q, "%s.%s.p", h ? "hf" : "gg", terms[i]);
                CHECK_NEAR(c->p, ref(ds, q), REL);
                CHECK_NEAR(c->statistic, r->statistic, 0);
                CHECK_NEAR(c->df, r->df * fmin(1.0, c->estimate), 1e-14);
                CHECK_NEAR(c->df2, r->df2 * fmin(1.0, c->estimate), 1e-14);
            }
        }
    }
    {
        const zf_stat_row *r = find(&t, "mauchly", "bin");
        if (r && k > 2) {
            CHECK_NEAR(r->estimate, ref(ds, "mauchly.W"), REL);
            CHECK_NEAR(r->p, ref(ds, "mauchly.p"), REL);
        } else if (r) {
            CHECK(isnan(r->p) && strstr(r->note, "2 levels") != NULL);
        }
    }
    if (ng) {
        size_t ne, np, nd, nt, nh, m = 0, nsw = 0;
        double *est = ref_vec(ds, "bin.estimate", &ne), *pp = ref_vec(ds, "bin.p", &np), *df = ref_vec(ds, "bin.df", &nd);
        double *tt = ref_vec(ds, "bin.t", &nt), *ph = ref_vec(ds, "bin.p_holm", &nh);
        for (size_t i = 0; i < t.n; i++) {
            const zf_stat_row *r = &t.rows[i];
            if (strcmp(r->procedure, "welch_t") != 0)
                continue;
            CHECK(strstr(r->contrast, " - g1 | bin=") != NULL);
            if (m < ne) {
                CHECK_NEAR(r->estimate, est[m], REL);
                CHECK_NEAR(r->statistic, tt[m], REL);
                CHECK_NEAR(r->df, df[m], REL);
                CHECK_NEAR(r->p, pp[m], REL);
                CHECK_NEAR(r->p_adjusted, ph[m], REL);
            }
            m++;
        }
        CHECK(m == ne && ne == np && ne == nd && ne == nt && ne == nh);
        free(est);
        free(pp);
        free(df);
        free(tt);
        free(ph);
        /* checks on the subject means, groups in level order */
        for (size_t i = 0; i < nrefs; i++) {
            const char *q = refs[i].quantity;
            size_t ql = strlen(q);
            if (strcmp(refs[i].dataset, ds) != 0 || strncmp(q, "sw.", 3) != 0 || ql < 5 || strcmp(q + ql - 2, ".W") != 0)
                continue;
            for (size_t j = 0, seen = 0; j < t.n; j++)
                if (strcmp(t.rows[j].procedure, "shapiro_wilk") == 0 && seen++ == nsw) {
                    CHECK_NEAR(t.rows[j].statistic, refs[i].value, REL);
                    CHECK_NEAR(t.rows[j].p, refs[i + 1].value, REL);
                }
            nsw++;
        }
        CHECK(nsw >= 2);
        {
            const zf_stat_row *r = find(&t, "brown_forsythe", "omnibus");
            if (r) {
                CHECK_NEAR(r->statistic, ref(ds, "bf.F"), REL);
                CHECK_NEAR(r->p, ref(ds, "bf.p"), REL);
            }
        }
    }
done:
    zf_stat_table_free(&t);
    free(kk);
    free(y);
    free(g);
    free(group);
    free(gname);
    free(wname);
    free(wl);
}

/* ---- dose-response ---- */

static void check_dose(const char *ds)
{
    size_t n, ny;
    double *x = ref_vec(ds, "dose", &n), *y = ref_vec(ds, "y", &ny);
    zf_loglogistic f;
    zf_compare_opts o;
    zf_stat_table t;

    zf_stat_table_init(&t);
    CHECK(x && y && n == ny && n > 0);
    if (!x || !y || n != ny)
        goto done;
    fprintf(stderr, "dose-response %s (%zu fish)\n", ds, n);
    for (size_t npar = 4; npar >= 3; npar--) {
        const char *pre = npar == 4 ? "ll4" : "ll3";
        char q[64];
        CHECK_OK(zf_fit_loglogistic(x, y, n, npar, &f));
        CHECK(f.npar == npar);
        if (f.note[0])
            fprintf(stderr, "  %zu-parameter fit: %s\n", npar, f.note);
#define Q(s) (snprintf(q, sizeof q, "%s.%s", pre, s), q)
        CHECK_NEAR(f.b, ref(ds, Q("b")), REL_NL);
        CHECK_NEAR(f.d, ref(ds, Q("d")), REL_NL);
        CHECK_NEAR(log(f.e), ref(ds, Q("le")), REL_NL);
        CHECK_NEAR(f.e, ref(ds, Q("ec50")), REL_NL);
        CHECK_NEAR(f.se_b, ref(ds, Q("b.se")), REL_NL);
        CHECK_NEAR(f.se_d, ref(ds, Q("d.se")), REL_NL);
        CHECK_NEAR(f.se_log_e, ref(ds, Q("le.se")), REL_NL);
        CHECK_NEAR(f.ec50_low, ref(ds, Q("ec50.lo")), REL_NL);
        CHECK_NEAR(f.ec50_high, ref(ds, Q("ec50.hi")), REL_NL);
        CHECK_NEAR(f.rse, ref(ds, Q("rse")), REL_NL);
        CHECK_NEAR(f.df, ref(ds, Q("df")), REL);
        if (npar == 4) {
            CHECK_NEAR(f.c, ref(ds, Q("c")), REL_NL);
            CHECK_NEAR(f.se_c, ref(ds, Q("c.se")), REL_NL);
            CHECK(f.c <= f.d);
        } else {
            CHECK(f.c == 0.0 && isnan(f.se_c));
        }
        if (has_ref(ds, Q("lof.F"))) {
            CHECK_NEAR(f.lof_f, ref(ds, Q("lof.F")), REL_NL);
            CHECK_NEAR(f.lof_df, ref(ds, Q("lof.df")), REL);
            CHECK_NEAR(f.lof_df2, ref(ds, Q("lof.df2")), REL);
            CHECK_NEAR(f.lof_p, ref(ds, Q("lof.p")), REL_NL);
        } else {
            CHECK(isnan(f.lof_f) && isnan(f.lof_p));
        }
#undef Q
    }
    zf_compare_opts_default(&o);
    CHECK_OK(zf_stats_dose(&t, "y", "dose", x, y, n, &o));
    {
        const zf_stat_row *r = find(&t, "loglogistic4", "ec50"), *j = find(&t, "jonckheere", "dose");
        if (r) {
            CHECK_NEAR(r->estimate, ref(ds, "ll4.ec50"), REL_NL);
            CHECK_NEAR(r->ci_low, ref(ds, "ll4.ec50.lo"), REL_NL);
            CHECK_NEAR(r->ci_high, ref(ds, "ll4.ec50.hi"), REL_NL);
        }
        r = find(&t, "loglogistic3", "residual_se");
        if (r)
            CHECK_NEAR(r->estimate, ref(ds, "ll3.rse"), REL_NL);
        r = find(&t, "loglogistic4", "slope");
        if (r) {
            CHECK_NEAR(r->estimate, ref(ds, "ll4.b"), REL_NL);
            CHECK_NEAR(r->statistic, ref(ds, "ll4.b") / ref(ds, "ll4.b.se"), REL_NL);
        }
        if (j) {
            CHECK_NEAR(j->statistic, ref(ds, "jt.J"), REL);
            CHECK_NEAR(j->p, ref(ds, "jt.p"), REL);
        }
        r = find(&t, "brown_forsythe", "dose");
        if (r) {
            CHECK_NEAR(r->statistic, ref(ds, "bf.F"), REL);
            CHECK_NEAR(r->p, ref(ds, "bf.p"), REL);
        }
        for (size_t i = 0; i < t.n; i++) {
            char q[160];
            if (strcmp(t.rows[i].procedure, "shapiro_wilk") != 0)
                continue;
            snprintf(q, sizeof q, "sw.%s.W", t.rows[i].contrast);
            if (!has_ref(ds, q)) {
                CHECK(isnan(t.rows[i].p));
                continue;
            }
            CHECK_NEAR(t.rows[i].statistic, ref(ds, q), REL);
            snprintf(q, sizeof q, "sw.%s.p", t.rows[i].contrast);
            CHECK_NEAR(t.rows[i].p, ref(ds, q), REL);
        }
    }
done:
    zf_stat_table_free(&t);
    free(x);
    free(y);
}

/* ---- Jonckheere-Terpstra, Shapiro-Wilk, Brown-Forsythe ---- */

static size_t load_groups(const char *ds, double **g, size_t *n, size_t max)
{
    size_t k = 0;
    for (; k < max; k++) {
        char q[24];
        snprintf(q, sizeof q, "g%zu", k + 1);
        g[k] = ref_vec(ds, q, &n[k]);
        if (!g[k] || n[k] == 0) {
            free(g[k]);
            break;
        }
    }
    return k;
}

static void check_jt(const char *ds)
{
    double *g[8];
    size_t n[8], k = load_groups(ds, g, n, 8);
    zf_test_result r;
    CHECK(k >= 3);
    CHECK_OK(zf_test_jonckheere((const double *const *)g, n, k, &r));
    CHECK_NEAR(r.statistic, ref(ds, "jt.J"), REL);
    CHECK_NEAR(r.estimate, r.statistic, 0);
    CHECK_NEAR(r.p, ref(ds, "jt.p"), REL);
    CHECK((ref(ds, "jt.exact") > 0) == (strstr(r.note, "exact") != NULL));
    for (size_t i = 0; i < k; i++)
        free(g[i]);
}

static void check_sw_n(const char *ds)
{
    size_t n;
    double *x = ref_vec(ds, "x", &n);
    zf_test_result r;
    CHECK_OK(zf_test_shapiro_wilk(x, n, &r));
    CHECK_NEAR(r.statistic, ref(ds, "W"), REL);
    CHECK_NEAR(r.p, ref(ds, "p"), REL);
    free(x);
}

static void check_bf(const char *ds)
{
    double *g[8];
    size_t n[8], k = load_groups(ds, g, n, 8);
    zf_test_result r;
    CHECK(k >= 2);
    CHECK_OK(zf_test_brown_forsythe((const double *const *)g, n, k, &r));
    CHECK_NEAR(r.statistic, ref(ds, "bf.F"), REL);
    CHECK_NEAR(r.df, ref(ds, "bf.df"), REL);
    CHECK_NEAR(r.df2, ref(ds, "bf.df2"), REL);
    CHECK_NEAR(r.p, ref(ds, "bf.p"), REL);
    for (size_t i = 0; i < k; i++)
        free(g[i]);
}

/* ---- degenerate designs, families, argument errors ---- */

static void test_degenerate(void)
{
    zf_test_result r;
    zf_compare_opts o;
    zf_stat_table t;
    static const double two[] = {1.0, 2.0}, same[] = {3.0, 3.0, 3.0, 3.0}, withnan[] = {1.0, NAN, 2.5, 4.0, 3.1};
    zf_compare_opts_default(&o);
    zf_stat_table_init(&t);

    /* Shapiro-Wilk: too few, constant, NaN dropped */
    CHECK_OK(zf_test_shapiro_wilk(two, 2, &r));
    CHECK(isnan(r.p) && strstr(r.note, "fewer than 3") != NULL);
    CHECK_OK(zf_test_shapiro_wilk(same, 4, &r));
    CHECK(isnan(r.p) && strstr(r.note, "identical") != NULL);
    CHECK_OK(zf_test_shapiro_wilk(withnan, 5, &r));
    CHECK(r.p > 0 && r.p <= 1 && strstr(r.note, "1 missing value dropped") != NULL);
    CHECK(zf_test_shapiro_wilk(NULL, 3, &r) == ZF_EINVAL);

    /* Jonckheere with one group; Brown-Forsythe with one group */
    {
        const double *g1[] = {withnan};
        size_t n1[] = {5};
        CHECK_OK(zf_test_jonckheere(g1, n1, 1, &r));
        CHECK(isnan(r.p) && strstr(r.note, "fewer than 2 groups") != NULL);
        CHECK_OK(zf_test_brown_forsythe(g1, n1, 1, &r));
        CHECK(isnan(r.p));
    }

    /* factorial: every cell constant -> defined NaN with a note; too many factors -> EINVAL */
    {
        static const char *const fn[] = {"A", "B"};
        static const char *const lv[] = {"a1", "b1", "a1", "b1", "a2", "b1", "a2", "b1", "a1", "b2", "a1", "b2",
                                         "a2", "b2", "a2", "b2"};
        static const double yc[] = {1, 1, 2, 2, 3, 3, 4, 4};
        CHECK_OK(zf_stats_factorial(&t, "c", fn, 2, lv, yc, 8, &o));
        CHECK(t.n > 0 && isnan(t.rows[0].p) && strstr(t.rows[0].note, "essentially constant") != NULL);
        CHECK(zf_stats_factorial(&t, "c", fn, 0, lv, yc, 8, &o) == ZF_EINVAL);
        zf_stat_table_free(&t);
        /* no value at all: the ANOVA rows say so, nothing else */
        {
            static const double none[] = {NAN, NAN, NAN, NAN};
            CHECK_OK(zf_stats_factorial(&t, "c", fn, 2, lv, none, 4, &o));
            CHECK(t.n == 6 && isnan(t.rows[5].p) && strstr(t.rows[5].note, "no data") != NULL);
            CHECK(strstr(t.rows[0].note, "4 missing values dropped") != NULL);
            zf_stat_table_free(&t);
        }
        /* one observation per cell: no residual df */
        {
            static const char *const lv1[] = {"a1", "b1", "a2", "b1", "a1", "b2", "a2", "b2"};
            CHECK_OK(zf_stats_factorial(&t, "c", fn, 2, lv1, yc, 4, &o));
        }
        CHECK(t.n > 0 && isnan(t.rows[0].p) && strstr(t.rows[0].note, "no residual") != NULL);
        zf_stat_table_free(&t);
    }

    /* repeated: control missing is a data error naming the levels; a subject with NaN is left out */
    {
        static const char *const grp[] = {"a", "a", "b", "b", "b"};
        static const char *const wl[] = {"0", "60", "120"};
        double y[15];
        for (size_t i = 0; i < 15; i++)
            y[i] = (double)((i * 7) % 5) + 0.1 * (double)i;
        CHECK(zf_stats_repeated(&t, "m", "group", "bin", grp, y, 5, wl, 3, &o) == ZF_EDATA);
        CHECK(strstr(zf_errmsg(), "control level 'control' not found; levels found: 'a', 'b'") != NULL);
        o.control = "a";
        y[4] = NAN;
        CHECK_OK(zf_stats_repeated(&t, "m", "group", "bin", grp, y, 5, wl, 3, &o));
        CHECK(t.n > 0 && strstr(t.rows[0].note, "1 subject with a missing value left out") != NULL);
        {
            const zf_stat_row *r2 = find(&t, "welch_t", "b - a | bin=60");
            CHECK(r2 && r2->n1 == 3 && r2->n2 == 1);
        }
        zf_stat_table_free(&t);
        o.control = "control";
    }

    /* all missing: defined rows with notes, never a crash */
    {
        static const char *const grp[] = {"control", "control", "ket", "ket"};
        static const char *const wl[] = {"0", "60"};
        static const double y[8] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN}, d[4] = {0, 1, 2, 3};
        CHECK_OK(zf_stats_repeated(&t, "m", "group", "bin", grp, y, 4, wl, 2, &o));
        CHECK(t.n > 0 && isnan(t.rows[0].p) && strstr(t.rows[0].note, "no complete subject") != NULL);
        zf_stat_table_free(&t);
        CHECK_OK(zf_stats_dose(&t, "m", "dose", d, y, 4, &o));
        CHECK(t.n > 0 && isnan(t.rows[0].estimate) && strstr(t.rows[0].note, "4 missing values dropped") != NULL);
        zf_stat_table_free(&t);
        CHECK_OK(zf_stats_checks(&t, "m", grp, y, 4, &o));
        CHECK(t.n == 3 && isnan(t.rows[2].p));
        zf_stat_table_free(&t);
    }

    /* dose: negative dose is a data error; too few doses gives notes */
    {
        static const double d1[] = {0, 1, -1, 2}, d2[] = {0, 0, 1, 1, 2, 2}, v2[] = {5, 5.2, 4, 4.1, 3, 2.9};
        zf_loglogistic f;
        CHECK(zf_fit_loglogistic(d1, v2, 4, 4, &f) == ZF_EDATA);
        CHECK_OK(zf_fit_loglogistic(d2, v2, 6, 4, &f));
        CHECK(isnan(f.e) && strstr(f.note, "at least 4 distinct doses") != NULL);
        CHECK_OK(zf_stats_dose(&t, "m", "dose", d2, v2, 6, &o));
        CHECK(t.n > 0 && isnan(t.rows[0].estimate));
        zf_stat_table_free(&t);
    }
}

static void test_families(void)
{
    zf_stat_table t;
    zf_compare_opts o;
    static const char *const g[] = {"control", "control", "control", "control", "a", "a", "a", "a", "b", "b", "b", "b"};
    static const double v1[] = {1, 2, 3, 2.5, 3, 4, 3.5, 5, 6, 5, 7, 6.5}, v2[] = {1, 1.5, 1.2, 1.1, 1.4, 1.3, 1.0, 1.6, 1.2, 1.25, 1.45, 1.3};
    zf_compare_opts_default(&o);
    o.nboot = 200;
    o.nperm = 200;
    zf_stat_table_init(&t);
    CHECK_OK(zf_stats_compare(&t, "m1", g, v1, 12, &o));
    CHECK_OK(zf_stats_checks(&t, "m1", g, v1, 12, &o));
    CHECK_OK(zf_stats_compare(&t, "m2", g, v2, 12, &o));
    CHECK_OK(zf_stats_checks(&t, "m2", g, v2, 12, &o));
    {
        const zf_stat_row *s = find(&t, "shapiro_wilk", "control"), *b = find(&t, "brown_forsythe", "omnibus");
        CHECK(s && strcmp(s->metric, "m1") == 0 && !isnan(s->p) && s->n1 == 4);
        CHECK(b && b->df == 2 && b->df2 == 9);
    }
    /* study-wide: the welch_t p of both metrics (4 tests) form one Holm family; anova of both metrics another */
    {
        double pw[4], pa[2], adj[4];
        size_t nw = 0, na = 0;
        for (size_t i = 0; i < t.n; i++) {
            if (strcmp(t.rows[i].procedure, "welch_t") == 0 && nw < 4)
                pw[nw++] = t.rows[i].p;
            if (strcmp(t.rows[i].procedure, "anova") == 0 && na < 2)
                pa[na++] = t.rows[i].p;
        }
        CHECK(nw == 4 && na == 2);
        CHECK_OK(zf_stat_table_adjust_study(&t, ZF_ADJ_HOLM));
        CHECK_OK(zf_p_adjust(pw, 4, ZF_ADJ_HOLM, adj));
        for (size_t i = 0, k = 0; i < t.n; i++)
            if (strcmp(t.rows[i].procedure, "welch_t") == 0) {
                CHECK_NEAR(t.rows[i].p_adjusted, adj[k++], 1e-15);
                CHECK(strcmp(t.rows[i].adjust_method, "holm") == 0);
            }
        CHECK_OK(zf_p_adjust(pa, 2, ZF_ADJ_HOLM, adj));
        for (size_t i = 0, k = 0; i < t.n; i++)
            if (strcmp(t.rows[i].procedure, "anova") == 0)
                CHECK_NEAR(t.rows[i].p_adjusted, adj[k++], 1e-15);
        /* single-step and checks untouched */
        for (size_t i = 0; i < t.n; i++)
            if (strcmp(t.rows[i].procedure, "tukey_hsd") == 0 || strcmp(t.rows[i].procedure, "shapiro_wilk") == 0)
                CHECK(strcmp(t.rows[i].adjust_method, "holm") != 0);
    }
    CHECK(zf_family_parse("study") == ZF_FAMILY_STUDY && zf_family_parse("metric") == ZF_FAMILY_METRIC);
    CHECK(zf_family_parse("nope") == -1 && strcmp(zf_family_name(ZF_FAMILY_STUDY), "study") == 0);
    zf_stat_table_free(&t);
}

int main(void)
{
    static const char *const jt[] = {"jt_exact", "jt_ties", "jt_large", "jt_down"};
    static const char *const sw[] = {"sw_n3", "sw_n4", "sw_n5", "sw_n6", "sw_n7", "sw_n11", "sw_n12", "sw_n20",
                                     "sw_n50", "sw_n300", "sw_n1500", "sw_ties"};
    zf_init();
    if (load_refs(ZF_TEST_REF "/stats_designs.csv") != 0 || nrefs == 0) {
        fprintf(stderr, "cannot read the reference values\n");
        return 1;
    }
    check_factorial("fac_bal", 2);
    check_factorial("fac_unbal", 2);
    check_factorial("fac_empty", 2);
    check_factorial("fac_3way", 3);
    check_factorial("fac_one", 1);
    check_repeated("rm_bal");
    check_repeated("rm_unbal");
    check_repeated("rm_one");
    check_repeated("rm_two");
    check_dose("dose_rep");
    check_dose("dose_inc");
    check_dose("dose_norep");
    for (size_t i = 0; i < sizeof jt / sizeof jt[0]; i++)
        check_jt(jt[i]);
    for (size_t i = 0; i < sizeof sw / sizeof sw[0]; i++)
        check_sw_n(sw[i]);
    check_bf("bf_k3");
    check_bf("bf_k2_odd");
    test_degenerate();
    test_families();
    free(refs);
    return CHECK_DONE();
}
