#!/usr/bin/env Rscript
# ref_stats2.R: regenerates tests/reference/stats_designs.csv (factorial, split-plot, dose-response, trend and assumption-check datasets with R's results) that test_stats2 checks.
#
# Usage: Rscript scripts/ref_stats2.R [OUTDIR]   (default tests/reference beside this script)
# Needs the Debian packages r-cran-car and r-cran-emmeans (apt-get install r-cran-car r-cran-emmeans).
# Long-format CSV: dataset,quantity,value; a quantity that appears several
# times is a vector in file order. NaN stands for NA. Deterministic (fixed seeds).
#
# What gives each reference number:
#   anova_type2 / anova_type3   car::Anova(lm(y ~ A*B...), type = 2 / 3) with contr.sum
#                               (type II with an empty cell: singular.ok = TRUE, by model comparison;
#                               type III with an empty cell: car refuses, and so do we)
#   emmeans, simple effects,    emmeans::emmeans (+ confint); car::linearHypothesis on the cell
#                               means (emmeans::joint_tests(by = ...) gives the same p, F rounded),
#   pairwise_t                  pairs(emmeans(fit, ~A*B), adjust = "none") then p.adjust, and
#                               pairwise.t.test(pool.sd = TRUE) as a second opinion
#   mixed_anova (+ gg, hf)      car::Anova(mlm, idata, idesign = ~bin, type = 2), checked here
#                               against aov(y ~ g*bin + Error(subject/bin)) and anova.mlm(test = "Spherical")
#   mauchly                     mauchly.test(mlm, X = ~1)
#   loglogistic4 / 3            nls() with an analytic gradient (drc is not packaged for Debian)
#   jonckheere                  by its definition; exact p by convolving dwilcox() distributions,
#                               normal p with the tie-corrected variance (clinfun is not packaged)
#   shapiro_wilk                shapiro.test
#   brown_forsythe              car::leveneTest(y ~ g, center = median)

suppressPackageStartupMessages({
  library(car)
  library(emmeans)
})
args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else {
  here <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  file.path(dirname(dirname(normalizePath(here))), "tests", "reference")
}
out <- file.path(outdir, "stats_designs.csv")

RNGversion("4.0.0")
options(contrasts = c("contr.sum", "contr.poly"))
emm_options(opt.digits = FALSE)

rows <- list()
put <- function(dataset, quantity, value) {
  v <- ifelse(is.na(value), "NaN", sprintf("%.17g", value))
  rows[[length(rows) + 1L]] <<- data.frame(dataset = dataset, quantity = quantity, value = v)
}
fac <- function(x) factor(x, levels = unique(x))

# ---------------------------------------------------------------------------
# Factorial designs. Levels are named <factor letter, lower case><number>
# (a1, a2, b1, ...) and ordered by first appearance in the rows.

factorial_ref <- function(name, d, factors) {
  # levels in order of first appearance in these rows, as the C code orders them;
  # the level number written is the digit of its name (b3 -> 3)
  for (f in factors) d[[f]] <- fac(as.character(d[[f]]))
  for (f in factors) for (v in as.integer(sub("^[a-z]+", "", as.character(d[[f]])))) put(name, f, v)
  for (v in d$y) put(name, "y", v)
  fml <- as.formula(paste("y ~", paste(factors, collapse = "*")))
  fit <- lm(fml, d)
  cells <- interaction(d[factors], sep = ":", lex.order = FALSE, drop = FALSE)
  empty <- any(table(cells) == 0)
  a2 <- Anova(fit, type = 2, singular.ok = TRUE)
  terms <- setdiff(rownames(a2), "Residuals")
  for (tm in terms) {
    put(name, paste0("t2.", tm, ".ss"), a2[tm, "Sum Sq"]); put(name, paste0("t2.", tm, ".df"), a2[tm, "Df"])
    put(name, paste0("t2.", tm, ".F"), a2[tm, "F value"]); put(name, paste0("t2.", tm, ".p"), a2[tm, "Pr(>F)"])
  }
  put(name, "resid.df", a2["Residuals", "Df"]); put(name, "resid.ss", a2["Residuals", "Sum Sq"])
  # type II by nested models in base R: the same numbers (checked here)
  for (tm in terms) {
    fs <- strsplit(tm, ":")[[1]]
    all_terms <- attr(terms(fit), "term.labels")
    contains <- sapply(all_terms, function(u) all(fs %in% strsplit(u, ":")[[1]]))
    base <- all_terms[!contains]
    m0 <- lm(reformulate(if (length(base)) base else "1", "y"), d)
    m1 <- lm(reformulate(c(base, tm), "y"), d)
    stopifnot(abs(deviance(m0) - deviance(m1) - a2[tm, "Sum Sq"]) <= 1e-9 * max(1, a2[tm, "Sum Sq"]))
  }
  put(name, "empty", as.numeric(empty))
  if (!empty) {
    a3 <- Anova(fit, type = 3)
    for (tm in terms) {
      put(name, paste0("t3.", tm, ".ss"), a3[tm, "Sum Sq"]); put(name, paste0("t3.", tm, ".df"), a3[tm, "Df"])
      put(name, paste0("t3.", tm, ".F"), a3[tm, "F value"]); put(name, paste0("t3.", tm, ".p"), a3[tm, "Pr(>F)"])
    }
  } else {
    stopifnot(inherits(try(Anova(fit, type = 3), silent = TRUE), "try-error"))
  }
  # estimated marginal means of every margin (a proper subset of the factors is
  # labelled factor=level joined by ':', the full cells by their levels joined by ':')
  for (k in seq_along(factors)) for (sub in combn(factors, k, simplify = FALSE)) {
    em <- suppressMessages(summary(emmeans(fit, sub), infer = c(TRUE, FALSE)))
    for (r in seq_len(nrow(em))) {
      lab <- if (k == length(factors)) paste(sapply(sub, function(f) as.character(em[[f]][r])), collapse = ":")
             else paste(sapply(sub, function(f) paste0(f, "=", as.character(em[[f]][r]))), collapse = ":")
      put(name, paste0("emm.", lab, ".est"), em$emmean[r]); put(name, paste0("emm.", lab, ".se"), em$SE[r])
      put(name, paste0("emm.", lab, ".lo"), em$lower.CL[r]); put(name, paste0("emm.", lab, ".hi"), em$upper.CL[r])
      put(name, paste0("emm.", lab, ".df"), em$df[r])
    }
  }
  # simple effects: each factor within every combination of the others, as
  # Wald F tests of equal cell means in the cell-means model (car::linearHypothesis);
  # emmeans::joint_tests prints F rounded, so only its p is compared here
  cellf <- droplevels(interaction(d[factors], sep = ":", lex.order = FALSE))
  fc <- lm(d$y ~ 0 + cellf)
  cn <- levels(cellf)
  if (length(factors) >= 2) {
    for (f in factors) {
      by <- setdiff(factors, f)
      jt <- suppressMessages(joint_tests(fit, by = by))
      combos <- expand.grid(lapply(by, function(b) levels(d[[b]])), stringsAsFactors = FALSE)
      names(combos) <- by
      for (r in seq_len(nrow(combos))) {
        lab <- paste0(f, " | ", paste(sapply(by, function(b) paste0(b, "=", combos[[b]][r])), collapse = ":"))
        slice <- sapply(levels(d[[f]]), function(l) {
          lv <- setNames(as.list(combos[r, , drop = FALSE]), by); lv[[f]] <- l
          paste(sapply(factors, function(u) lv[[u]]), collapse = ":")
        })
        slice <- slice[slice %in% cn]
        if (length(slice) < 2) { put(name, paste0("se.", lab, ".F"), NA); next }
        L <- matrix(0, length(slice) - 1, length(cn))
        for (q in 2:length(slice)) { L[q - 1, match(slice[1], cn)] <- 1; L[q - 1, match(slice[q], cn)] <- -1 }
        lh <- linearHypothesis(fc, L)
        put(name, paste0("se.", lab, ".F"), lh$F[2]); put(name, paste0("se.", lab, ".df"), lh$Df[2])
        put(name, paste0("se.", lab, ".df2"), lh$Res.Df[2]); put(name, paste0("se.", lab, ".p"), lh[["Pr(>F)"]][2])
        hit <- rep(TRUE, nrow(jt))
        for (b in by) hit <- hit & as.character(jt[[b]]) == combos[[b]][r]
        stopifnot(sum(hit) == 1, abs(jt$p.value[hit] / lh[["Pr(>F)"]][2] - 1) < 1e-6)
      }
    }
  }
  # all pairs of cells: later minus earlier cell in R's cell order (first factor fastest)
  em <- suppressMessages(emmeans(fit, factors))
  es <- summary(em)
  lab <- apply(es[factors], 1, function(r) paste(trimws(r), collapse = ":"))
  ok <- !is.na(es$emmean)
  pr <- summary(pairs(em, adjust = "none", reverse = TRUE), infer = c(TRUE, TRUE))
  pv <- c(); pl <- c()
  idx <- which(ok)
  r <- 0
  for (i in seq_along(idx)) for (j in seq_along(idx)) {
    if (j <= i) next
    r <- r + 1
    ct <- paste(lab[idx[j]], "-", lab[idx[i]])
    sp <- function(q) paste(trimws(unlist(es[q, factors])), collapse = " ")
    row <- pr[as.character(pr$contrast) == paste(sp(idx[j]), "-", sp(idx[i])), ]
    stopifnot(nrow(row) == 1)
    put(name, paste0("pw.", ct, ".est"), row$estimate); put(name, paste0("pw.", ct, ".t"), row$t.ratio)
    put(name, paste0("pw.", ct, ".df"), row$df); put(name, paste0("pw.", ct, ".p"), row$p.value)
    put(name, paste0("pw.", ct, ".lo"), row$lower.CL); put(name, paste0("pw.", ct, ".hi"), row$upper.CL)
    pv <- c(pv, row$p.value); pl <- c(pl, ct)
  }
  for (i in seq_along(pl)) put(name, paste0("pw.", pl[i], ".p_holm"), p.adjust(pv, "holm")[i])
  # second opinion: pairwise.t.test with the pooled SD (same p, unadjusted)
  cc <- droplevels(cells)
  ptt <- pairwise.t.test(d$y, cc, pool.sd = TRUE, p.adjust.method = "none")$p.value
  stopifnot(all(abs(sort(ptt[!is.na(ptt)]) - sort(pv)) <= 1e-12 * sort(pv) + 1e-300))
  # assumption checks: Shapiro-Wilk in every cell with >= 3 values, Brown-Forsythe over the cells
  for (L in levels(cc)) {
    v <- d$y[cc == L]
    if (length(v) >= 3) put(name, paste0("sw.", L, ".W"), shapiro.test(v)$statistic)
    if (length(v) >= 3) put(name, paste0("sw.", L, ".p"), shapiro.test(v)$p.value)
  }
  lt <- leveneTest(d$y, cc, center = median)
  put(name, "bf.F", lt[1, "F value"]); put(name, "bf.df", lt[1, "Df"]); put(name, "bf.df2", lt[2, "Df"])
  put(name, "bf.p", lt[1, "Pr(>F)"])
}

set.seed(20260601)
# 2 x 3, balanced, n = 5
d <- expand.grid(r = 1:5, B = c("b1", "b2", "b3"), A = c("a1", "a2"), stringsAsFactors = FALSE)
d <- d[sample(nrow(d)), ]
d$y <- round(10 + 1.5 * (d$A == "a2") + c(b1 = 0, b2 = 0.8, b3 = 2)[d$B] + 1.2 * (d$A == "a2" & d$B == "b3") +
             rnorm(nrow(d)), 4)
d$A <- fac(d$A); d$B <- fac(d$B)
factorial_ref("fac_bal", d, c("A", "B"))

# 2 x 3, unbalanced (cell sizes 3 to 8)
sizes <- c(3, 6, 4, 8, 5, 7)
d <- do.call(rbind, lapply(1:6, function(c) data.frame(A = c("a1", "a2")[(c - 1) %% 2 + 1],
                                                     B = c("b1", "b2", "b3")[(c - 1) %/% 2 + 1], r = seq_len(sizes[c]))))
d <- d[sample(nrow(d)), ]
d$y <- round(5 + 0.9 * (d$A == "a2") - 0.7 * (d$B == "b2") + 1.1 * (d$A == "a2" & d$B == "b3") +
             rnorm(nrow(d), sd = 1.3), 4)
d$A <- fac(d$A); d$B <- fac(d$B)
factorial_ref("fac_unbal", d, c("A", "B"))

# 2 x 3 with an empty cell (a2:b3)
d <- d[!(d$A == "a2" & d$B == "b3"), ]
factorial_ref("fac_empty", d, c("A", "B"))

# 2 x 2 x 3, unbalanced
d <- expand.grid(C = c("c1", "c2", "c3"), B = c("b1", "b2"), A = c("a1", "a2"), stringsAsFactors = FALSE)
d <- d[rep(seq_len(nrow(d)), times = c(3, 4, 5, 3, 4, 3, 5, 4, 3, 6, 3, 4)), ]
d <- d[sample(nrow(d)), ]
d$y <- round(2 + 0.8 * (d$A == "a2") + 0.5 * (d$B == "b2") + 0.4 * (d$C == "c3") +
             0.9 * (d$A == "a2" & d$B == "b2") + rnorm(nrow(d), sd = 0.7), 4)
d$A <- fac(d$A); d$B <- fac(d$B); d$C <- fac(d$C)
factorial_ref("fac_3way", d, c("A", "B", "C"))

# one factor (the factorial code with one factor is the one-way ANOVA)
d <- data.frame(A = rep(c("a1", "a2", "a3"), c(4, 6, 5)))
d$y <- round(3 + c(a1 = 0, a2 = 1, a3 = 0.4)[d$A] + rnorm(nrow(d)), 4)
d$A <- fac(d$A)
factorial_ref("fac_one", d, "A")

# ---------------------------------------------------------------------------
# Split-plot ANOVA: group between subjects, bin within. Y is subjects x bins.

rm_ref <- function(name, Y, g = NULL) {
  N <- nrow(Y); k <- ncol(Y)
  put(name, "k", k)
  if (!is.null(g)) for (v in as.integer(g)) put(name, "g", v)
  for (i in seq_len(N)) for (v in Y[i, ]) put(name, "Y", v)
  colnames(Y) <- paste0("bin", seq_len(k))
  fit <- if (is.null(g)) lm(Y ~ 1) else lm(Y ~ g)
  idata <- data.frame(bin = factor(seq_len(k)))
  s <- suppressWarnings(summary(Anova(fit, idata = idata, idesign = ~bin, type = 2), multivariate = FALSE))
  u <- s$univariate.tests
  for (tm in intersect(c("g", "bin", "g:bin"), rownames(u))) {
    lab <- sub("^g", "group", tm)
    put(name, paste0("rm.", lab, ".F"), u[tm, "F value"]); put(name, paste0("rm.", lab, ".df"), u[tm, "num Df"])
    put(name, paste0("rm.", lab, ".df2"), u[tm, "den Df"]); put(name, paste0("rm.", lab, ".p"), u[tm, "Pr(>F)"])
  }
  # the same numbers from the error strata of aov
  long <- data.frame(y = as.vector(t(Y)), subj = factor(rep(seq_len(N), each = k)), bin = factor(rep(seq_len(k), N)))
  if (!is.null(g)) {
    long$g <- rep(g, each = k)
    av <- summary(aov(y ~ g * bin + Error(subj / bin), long))
    w <- av[["Error: subj:bin"]][[1]]
    stopifnot(abs(w["g:bin   ", "F value"] / u["g:bin", "F value"] - 1) < 1e-10)
    stopifnot(abs(w["bin      ", "F value"] / u["bin", "F value"] - 1) < 1e-10)
  }
  if (k > 2) {
    pa <- s$pval.adjustments
    for (tm in intersect(c("bin", "g:bin"), rownames(pa))) {
      lab <- sub("^g", "group", tm)
      put(name, paste0("gg.", lab, ".eps"), pa[tm, "GG eps"]); put(name, paste0("gg.", lab, ".p"), pa[tm, "Pr(>F[GG])"])
      put(name, paste0("hf.", lab, ".eps"), pa[tm, "HF eps"]); put(name, paste0("hf.", lab, ".p"), pa[tm, "Pr(>F[HF])"])
    }
    # anova.mlm agrees on the within-subject rows
    am <- anova(fit, X = ~1, test = "Spherical")
    stopifnot(abs(am[1, "G-G Pr"] / pa["bin", "Pr(>F[GG])"] - 1) < 1e-10)
    mt <- mauchly.test(fit, X = ~1)
    put(name, "mauchly.W", unname(mt$statistic)); put(name, "mauchly.p", mt$p.value)
  }
  # per-bin Welch t of every level against the first (the control), Holm over bins x levels
  if (!is.null(g)) {
    pv <- c()
    for (b in seq_len(k)) for (L in levels(g)[-1]) {
      tt <- t.test(Y[g == L, b], Y[g == levels(g)[1], b])
      put(name, "bin.estimate", unname(tt$estimate[1] - tt$estimate[2])); put(name, "bin.t", unname(tt$statistic))
      put(name, "bin.df", unname(tt$parameter)); put(name, "bin.p", tt$p.value)
      pv <- c(pv, tt$p.value)
    }
    for (v in p.adjust(pv, "holm")) put(name, "bin.p_holm", v)
    # checks on the subject means
    m <- rowMeans(Y)
    for (L in levels(g)) {
      put(name, paste0("sw.", L, ".W"), shapiro.test(m[g == L])$statistic)
      put(name, paste0("sw.", L, ".p"), shapiro.test(m[g == L])$p.value)
    }
    lt <- leveneTest(m, g, center = median)
    put(name, "bf.F", lt[1, "F value"]); put(name, "bf.p", lt[1, "Pr(>F)"])
  }
}

set.seed(20260602)
# 3 groups x 5 subjects x 4 bins, habituation (decreasing over bins) differing by group
g <- fac(rep(c("control", "ket", "ket2"), each = 5))
Y <- round(outer(rep(1, 15), c(10, 8, 7, 6.5)) + outer(as.integer(g) - 1, c(0, 0.5, 1, 1.5)) +
           rnorm(15, sd = 1.5) + matrix(rnorm(60, sd = 0.8), 15, 4), 4)
rm_ref("rm_bal", Y, g)
# unbalanced groups 4, 7, 5 x 6 bins with a subject effect that grows over bins (non-spherical)
g <- fac(rep(c("control", "lo", "hi"), c(4, 7, 5)))
s <- rnorm(16)
Y <- round(outer(s, seq(0.5, 3, length.out = 6)) + outer(as.integer(g), c(0, 0.3, 0.5, 0.4, 0.9, 1.2)) +
           matrix(rnorm(96, sd = 0.6), 16, 6), 4)
rm_ref("rm_unbal", Y, g)
# one group, 8 subjects x 5 bins (one-way repeated measures)
Y <- round(matrix(rnorm(40), 8, 5) + rep(c(0, 0.4, 0.2, 0.9, 0.5), each = 8), 4)
rm_ref("rm_one", Y)
# two bins: epsilon is 1
g <- fac(rep(c("control", "ket"), c(6, 5)))
Y <- round(cbind(rnorm(11, 5), rnorm(11, 4)) + outer(as.integer(g) - 1, c(0, 1)), 4)
rm_ref("rm_two", Y, g)

# ---------------------------------------------------------------------------
# Dose-response: f(x) = c + (d - c) / (1 + exp(b (log x - le))), f(0) = d for b > 0
# (c for b < 0); the 3-parameter model fixes c = 0. nls with an analytic
# gradient at tight tolerances; the covariance is s^2 (J'J)^-1 (summary.nls).

ll_grad <- function(x, b, c, d, le, three) {
  pos <- x > 0
  z <- ifelse(pos, b * (log(ifelse(pos, x, 1)) - le), ifelse(b > 0, -Inf, Inf))
  s <- 1 / (1 + exp(-z))      # E / (1 + E)
  val <- c + (d - c) * (1 - s)
  gb <- ifelse(pos, -(d - c) * s * (1 - s) * (log(ifelse(pos, x, 1)) - le), 0)
  gle <- ifelse(pos, (d - c) * s * (1 - s) * b, 0)
  gc <- s; gd <- 1 - s
  grad <- if (three) cbind(b = gb, d = gd, le = gle) else cbind(b = gb, c = gc, d = gd, le = gle)
  attr(val, "gradient") <- grad
  val
}

dose_ref <- function(name, x, y, start4, start3) {
  for (v in x) put(name, "dose", v)
  for (v in y) put(name, "y", v)
  n <- length(y); m <- length(unique(x))
  ctl <- nls.control(maxiter = 1000, tol = 1e-8, minFactor = 1e-12)
  pe <- deviance(lm(y ~ factor(x)))
  for (three in c(FALSE, TRUE)) {
    pre <- if (three) "ll3" else "ll4"
    fit <- if (three) nls(y ~ ll_grad(x, b, 0, d, le, TRUE), start = start3, control = ctl)
           else nls(y ~ ll_grad(x, b, c, d, le, FALSE), start = start4, control = ctl)
    co <- coef(fit); V <- vcov(fit); p <- length(co); df <- n - p
    # the C code reports c <= d (lower, upper) with the sign of b giving the direction
    if (!three && co[["c"]] > co[["d"]]) stop("flip the start values of ", name)
    for (par in names(co)) {
      put(name, paste0(pre, ".", par), co[[par]]); put(name, paste0(pre, ".", par, ".se"), sqrt(V[par, par]))
    }
    tq <- qt(0.975, df)
    put(name, paste0(pre, ".ec50"), exp(co[["le"]]))
    put(name, paste0(pre, ".ec50.lo"), exp(co[["le"]] - tq * sqrt(V["le", "le"])))
    put(name, paste0(pre, ".ec50.hi"), exp(co[["le"]] + tq * sqrt(V["le", "le"])))
    put(name, paste0(pre, ".rse"), summary(fit)$sigma); put(name, paste0(pre, ".df"), df)
    if (m > p && n > m) {
      rss <- deviance(fit)
      F <- ((rss - pe) / (m - p)) / (pe / (n - m))
      put(name, paste0(pre, ".lof.F"), F); put(name, paste0(pre, ".lof.df"), m - p)
      put(name, paste0(pre, ".lof.df2"), n - m); put(name, paste0(pre, ".lof.p"), pf(F, m - p, n - m, lower.tail = FALSE))
    }
  }
  # Jonckheere-Terpstra over the doses in increasing order, and the checks per dose
  groups <- split(y, x)
  jt_ref(name, groups, put_data = FALSE)
  for (L in names(groups)) if (length(groups[[L]]) >= 3) {
    put(name, paste0("sw.", L, ".W"), shapiro.test(groups[[L]])$statistic)
    put(name, paste0("sw.", L, ".p"), shapiro.test(groups[[L]])$p.value)
  }
  lt <- leveneTest(y, factor(x), center = median)
  put(name, "bf.F", lt[1, "F value"]); put(name, "bf.df", lt[1, "Df"]); put(name, "bf.df2", lt[2, "Df"])
  put(name, "bf.p", lt[1, "Pr(>F)"])
}

# Jonckheere-Terpstra (Jonckheere 1954, Terpstra 1952): J = sum over ordered
# pairs of groups i < j of #(x_i < x_j) + #(x_i = x_j)/2. Exact distribution
# (no ties) as the convolution of the Mann-Whitney distributions of group j
# against the pooled earlier groups; normal approximation with the tie
# correction of the variance otherwise (Hollander & Wolfe 1999).
jt_ref <- function(name, groups, put_data = TRUE) {
  k <- length(groups); n <- lengths(groups); N <- sum(n); all <- unlist(groups)
  if (put_data) for (i in seq_len(k)) for (v in groups[[i]]) put(name, paste0("g", i), v)
  J <- 0
  for (i in 1:(k - 1)) for (j in (i + 1):k)
    J <- J + sum(outer(groups[[i]], groups[[j]], "<")) + 0.5 * sum(outer(groups[[i]], groups[[j]], "=="))
  put(name, "jt.J", J)
  ties <- anyDuplicated(all) > 0
  if (!ties && N <= 100) {
    dist <- 1; S <- n[1]
    for (j in 2:k) {
      u <- dwilcox(0:(S * n[j]), S, n[j])
      new <- numeric(length(dist) + length(u) - 1)
      for (a in seq_along(dist)) new[a:(a + length(u) - 1)] <- new[a:(a + length(u) - 1)] + dist[a] * u
      dist <- new; S <- S + n[j]
    }
    lo <- sum(dist[seq_len(J + 1)]); hi <- sum(dist[(J + 1):length(dist)])
    put(name, "jt.p", min(1, 2 * min(lo, hi))); put(name, "jt.exact", 1)
  } else {
    t <- table(all)
    E <- (N^2 - sum(n^2)) / 4
    V <- (N * (N - 1) * (2 * N + 5) - sum(n * (n - 1) * (2 * n + 5)) - sum(t * (t - 1) * (2 * t + 5))) / 72 +
         sum(n * (n - 1) * (n - 2)) * sum(t * (t - 1) * (t - 2)) / (36 * N * (N - 1) * (N - 2)) +
         sum(n * (n - 1)) * sum(t * (t - 1)) / (8 * N * (N - 1))
    z <- (J - E) / sqrt(V)
    put(name, "jt.z", z); put(name, "jt.p", 2 * pnorm(-abs(z))); put(name, "jt.exact", 0)
  }
}

ll4_true <- function(x, b, c, d, e) ifelse(x > 0, c + (d - c) / (1 + (x / e)^b), if (b > 0) d else c)
set.seed(20260603)
# decreasing, replicated (6 per dose), dose 0 as the control
x <- rep(c(0, 0.3, 1, 3, 10, 30), each = 6)
y <- round(ll4_true(x, 1.4, 2, 10, 3) + rnorm(length(x), sd = 0.7), 4)
dose_ref("dose_rep", x, y, start4 = list(b = 1.4, c = 2, d = 10, le = log(3)), start3 = list(b = 1, d = 10, le = log(3)))
# increasing (b < 0), unbalanced replicates
x <- rep(c(0, 0.1, 0.5, 2, 5, 20, 50), c(8, 4, 5, 6, 4, 5, 3))
y <- round(ll4_true(x, -1.1, 1, 6, 2.5) + rnorm(length(x), sd = 0.5), 4)
dose_ref("dose_inc", x, y, start4 = list(b = -1.1, c = 1, d = 6, le = log(2.5)),
         start3 = list(b = -1, d = 6, le = log(2.5)))
# one fish per dose: no lack-of-fit test (no pure error)
x <- c(0, 0.5, 1, 2, 4, 8, 16, 32, 64)
y <- round(ll4_true(x, 2, 0.5, 5, 6) + rnorm(length(x), sd = 0.25), 4)
dose_ref("dose_norep", x, y, start4 = list(b = 2, c = 0.5, d = 5, le = log(6)), start3 = list(b = 2, d = 5, le = log(6)))

# Jonckheere-Terpstra alone: exact (small, no ties), ties (normal), large (normal, N > 100)
set.seed(20260604)
nt <- function(f) { repeat { v <- f(); if (!anyDuplicated(unlist(v))) return(v) } }
jt_ref("jt_exact", nt(function() list(round(rnorm(5), 3), round(rnorm(6, 0.5), 3), round(rnorm(4, 1), 3))))
jt_ref("jt_ties", list(c(1, 2, 2, 3, 3, 4), c(2, 3, 3, 4, 5), c(3, 4, 4, 5, 6, 6, 7), c(4, 5, 6, 6)))
jt_ref("jt_large", nt(function() list(round(rnorm(40), 5), round(rnorm(35, 0.2), 5), round(rnorm(38, 0.1), 5))))
jt_ref("jt_down", nt(function() list(round(rnorm(7, 2), 3), round(rnorm(8, 1), 3), round(rnorm(6, 0), 3), round(rnorm(5, -0.5), 3))))

# ---------------------------------------------------------------------------
# Shapiro-Wilk over sample sizes (every branch of Royston's algorithm) and
# Brown-Forsythe on k groups.
set.seed(20260605)
for (n in c(3, 4, 5, 6, 7, 11, 12, 20, 50, 300, 1500)) {
  x <- round(if (n %% 2 == 0) rexp(n) else rnorm(n, 3, 2), 6)
  nm <- paste0("sw_n", n)
  for (v in x) put(nm, "x", v)
  st <- shapiro.test(x)
  put(nm, "W", unname(st$statistic)); put(nm, "p", st$p.value)
}
x <- c(1, 2, 2, 2, 3, 4, 9)   # ties and an outlier
for (v in x) put("sw_ties", "x", v)
put("sw_ties", "W", unname(shapiro.test(x)$statistic)); put("sw_ties", "p", shapiro.test(x)$p.value)

bf_ref <- function(name, groups) {
  for (i in seq_along(groups)) for (v in groups[[i]]) put(name, paste0("g", i), v)
  y <- unlist(groups); g <- factor(rep(seq_along(groups), lengths(groups)))
  lt <- leveneTest(y, g, center = median)
  put(name, "bf.F", lt[1, "F value"]); put(name, "bf.df", lt[1, "Df"]); put(name, "bf.df2", lt[2, "Df"])
  put(name, "bf.p", lt[1, "Pr(>F)"])
}
bf_ref("bf_k3", list(round(rnorm(8, 0, 1), 4), round(rnorm(11, 0, 2.5), 4), round(rnorm(6, 1, 0.5), 4)))
bf_ref("bf_k2_odd", list(round(rnorm(5, 0, 1), 4), round(rnorm(7, 0, 3), 4)))

con <- file(out, "w")
writeLines(sprintf("# generated by scripts/ref_stats2.R with %s, car %s, emmeans %s; do not edit", R.version.string,
                   packageVersion("car"), packageVersion("emmeans")), con)
write.csv(do.call(rbind, rows), con, row.names = FALSE, quote = FALSE)
close(con)
cat("wrote", out, "\n")
