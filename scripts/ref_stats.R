#!/usr/bin/env Rscript
# ref_stats.R: regenerates tests/reference/stats_two_group.csv and stats_k_group.csv, the fixed datasets and R's results that test_stats checks.
#
# Usage: Rscript scripts/ref_stats.R [OUTDIR]   (default tests/reference beside this script)
# Needs the Debian packages r-cran-coin, r-cran-mvtnorm and r-cran-multcomp.
# The files are long-format CSV: dataset,quantity,value. A quantity that
# appears several times is a vector in file order (x, y, p, ...). NaN stands
# for NA. Deterministic: fixed seeds, and the Monte-Carlo mvtnorm values are
# computed under their own fixed seed.

suppressPackageStartupMessages({
  library(coin)
  library(mvtnorm)
  library(multcomp)
})
args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else {
  here <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  file.path(dirname(dirname(normalizePath(here))), "tests", "reference")
}
out <- file.path(outdir, "stats_two_group.csv")
out_k <- file.path(outdir, "stats_k_group.csv")

RNGversion("4.0.0")
set.seed(20110901)

rows <- list()
put <- function(dataset, quantity, value) {
  v <- ifelse(is.na(value), "NaN", sprintf("%.17g", value))
  rows[[length(rows) + 1L]] <<- data.frame(dataset = dataset, quantity = quantity, value = v)
}

# Hedges' g: pooled SD, exact gamma correction J(m), m = nx + ny - 2.
hedges_g <- function(x, y) {
  nx <- length(x); ny <- length(y); m <- nx + ny - 2
  sp <- sqrt(((nx - 1) * var(x) + (ny - 1) * var(y)) / m)
  J <- exp(lgamma(m / 2) - 0.5 * log(m / 2) - lgamma((m - 1) / 2))
  (mean(x) - mean(y)) / sp * J
}

# Cohen's d: mean difference over the pooled SD.
cohens_d <- function(x, y) {
  nx <- length(x); ny <- length(y)
  (mean(x) - mean(y)) / sqrt(((nx - 1) * var(x) + (ny - 1) * var(y)) / (nx + ny - 2))
}

# BCa interval as DABEST defines it, written independently of the C code:
# B resamples within each group; z0 from the fraction of bootstrap values
# below the estimate; acceleration from the leave-one-out values over x then
# y; type-7 quantiles. stat is "g", "d", "mean" or "median".
bca <- function(x, y, B, stat = "g") {
  nx <- length(x); ny <- length(y)
  m <- nx + ny - 2
  J <- if (stat == "g") exp(lgamma(m / 2) - 0.5 * log(m / 2) - lgamma((m - 1) / 2)) else 1
  rowmed <- function(M) { M <- t(apply(M, 1, sort)); k <- ncol(M); (M[, (k + 1) %/% 2] + M[, k %/% 2 + 1]) / 2 }
  chunk <- function(b) {
    bx <- matrix(x[sample.int(nx, b * nx, replace = TRUE)], nrow = b)
    by <- matrix(y[sample.int(ny, b * ny, replace = TRUE)], nrow = b)
    if (stat == "median") return(rowmed(bx) - rowmed(by))
    mx <- rowMeans(bx); my <- rowMeans(by)
    if (stat == "mean") return(mx - my)
    ss <- rowSums((bx - mx)^2) + rowSums((by - my)^2)
    (mx - my) / sqrt(ss / m) * J
  }
  est <- function(a, b) switch(stat, g = hedges_g(a, b), d = cohens_d(a, b),
                               mean = mean(a) - mean(b), median = median(a) - median(b))
  gb <- unlist(lapply(rep(1e5, B %/% 1e5), chunk))
  gb <- gb[is.finite(gb)]
  g <- est(x, y)
  z0 <- qnorm(mean(gb < g))
  jk <- c(sapply(seq_len(nx), function(i) est(x[-i], y)),
          sapply(seq_len(ny), function(i) est(x, y[-i])))
  d <- mean(jk) - jk
  a <- if (sum(d^2) > 0) sum(d^3) / (6 * sum(d^2)^1.5) else 0
  lev <- sapply(qnorm(c(0.025, 0.975)), function(z) pnorm(z0 + (z0 + z) / (1 - a * (z0 + z))))
  unname(quantile(gb, lev, type = 7))
}
bca_g <- function(x, y, B) bca(x, y, B, "g")

# Exact two-sided permutation p of the mean difference by enumerating every split.
perm_exact <- function(x, y) {
  z <- c(x, y); nx <- length(x); N <- length(z)
  obs <- abs(mean(x) - mean(y))
  d <- combn(N, nx, function(i) abs(mean(z[i]) - mean(z[-i])))
  c(p = mean(d >= obs - 1e-9 * sum(abs(z - mean(z)))), splits = length(d))
}

two_group <- function(name, x, y, bca_B = 0) {
  for (v in x) put(name, "x", v)
  for (v in y) put(name, "y", v)
  for (vareq in c(FALSE, TRUE)) {
    tt <- t.test(x, y, var.equal = vareq)
    pre <- if (vareq) "student" else "welch"
    put(name, paste0(pre, ".estimate"), unname(tt$estimate[1] - tt$estimate[2]))
    put(name, paste0(pre, ".statistic"), unname(tt$statistic))
    put(name, paste0(pre, ".df"), unname(tt$parameter))
    put(name, paste0(pre, ".p"), tt$p.value)
    put(name, paste0(pre, ".ci_low"), tt$conf.int[1])
    put(name, paste0(pre, ".ci_high"), tt$conf.int[2])
  }
  ties <- length(unique(c(x, y))) < length(c(x, y))
  wt <- suppressWarnings(wilcox.test(x, y))
  put(name, "mw.statistic", unname(wt$statistic))
  put(name, "mw.p", wt$p.value)
  put(name, "mw.exact", as.numeric(length(x) < 50 && length(y) < 50 && !ties))
  put(name, "mw.estimate", median(x) - median(y))
  put(name, "hedges.g", hedges_g(x, y))
  put(name, "cohens.d", cohens_d(x, y))
  put(name, "mean.estimate", mean(x) - mean(y))
  put(name, "median.estimate", median(x) - median(y))
  # exact conditional Mann-Whitney p with ties (coin), when both n < 50
  if (ties && length(x) < 50 && length(y) < 50) {
    d <- data.frame(v = c(x, y), g = factor(rep(c("x", "y"), c(length(x), length(y)))))
    put(name, "mwx.p", pvalue(wilcox_test(v ~ g, data = d, distribution = "exact")))
  }
  # exact permutation p when there are at most 10000 splits (the C default nperm)
  if (choose(length(x) + length(y), length(x)) <= 10000) {
    pe <- perm_exact(x, y)
    put(name, "perm.p", pe[["p"]])
    put(name, "perm.splits", pe[["splits"]])
  }
  if (bca_B > 0) {
    ci <- bca_g(x, y, bca_B)
    put(name, "bca.B", bca_B)
    put(name, "bca.ci_low", ci[1])
    put(name, "bca.ci_high", ci[2])
    for (st in c("d", "mean", "median")) {
      ci <- bca(x, y, if (st == "median") bca_B / 4 else bca_B, st)
      put(name, paste0("bca_", st, ".ci_low"), ci[1])
      put(name, paste0("bca_", st, ".ci_high"), ci[2])
    }
  }
}

no_ties <- function(f) { repeat { v <- f(); if (!anyDuplicated(c(v$x, v$y))) return(v) } }

d <- no_ties(function() list(x = round(rnorm(8, 10, 2), 3), y = round(rnorm(10, 8, 2), 3)))
two_group("small_exact", d$x, d$y, bca_B = 400000)
two_group("tiny", c(3.1, 4.7, 2.2), c(1.5, 0.9, 2.8, 1.1))
two_group("ties", round(rnorm(12, 5, 2)), round(rnorm(15, 4, 2)))
d <- no_ties(function() list(x = round(rnorm(20, 3, 1), 4), y = round(rnorm(25, 2, 4), 4)))
two_group("unequal_var", d$x, d$y, bca_B = 400000)
d <- no_ties(function() list(x = round(rnorm(5, 1, 1), 4), y = round(rnorm(30, 0, 1.5), 4)))
two_group("unbalanced", d$x, d$y)
d <- no_ties(function() list(x = round(rnorm(49, 0.3), 5), y = round(rnorm(49), 5)))
two_group("exact49", d$x, d$y)
d <- no_ties(function() list(x = round(rnorm(60, 0.5), 4), y = round(rnorm(55), 4)))
two_group("large", d$x, d$y)
two_group("large_ties", round(rexp(70, 1) * 3), round(rexp(80, 0.8) * 3))
two_group("perm_small", c(4.1, 5.3, 5.3, 6.0, 7.2, 3.9), c(3.0, 4.1, 2.8, 3.6, 4.4))
two_group("ties_small", c(1, 2, 2, 3, 5, 5, 7), c(2, 3, 3, 4, 4, 6, 8, 8, 9))

# p.adjust over a family with ties and a missing value.
p <- c(0.01, 0.04, 0.03, 0.04, 0.2, NA, 0.005, 0.5, 0.9, 0.0001, 0.012)
for (v in p) put("padj", "p", v)
for (m in c("holm", "bonferroni", "hochberg", "BH", "BY"))
  for (v in p.adjust(p, m)) put("padj", m, v)
# Sidak (1967) and Holm-Sidak by their formulas (R has no p.adjust method for them).
sidak <- function(p) { m <- sum(!is.na(p)); -expm1(m * log1p(-p)) }
holm_sidak <- function(p) {
  ok <- !is.na(p); q <- p[ok]; m <- length(q); o <- order(q)
  adj <- numeric(m); adj[o] <- pmin(1, cummax(-expm1((m - seq_len(m) + 1) * log1p(-q[o]))))
  r <- p; r[ok] <- adj; r
}
for (v in sidak(p)) put("padj", "sidak", v)
for (v in holm_sidak(p)) put("padj", "holm-sidak", v)

# Several levels against a control, with missing values (zf_stats_compare).
lev <- list(control = c(round(rnorm(10, 5, 1), 3), NA),
            lo = c(round(rnorm(9, 5.8, 1), 3), NA, NA),
            hi = round(rnorm(8, 7, 1.5), 3))
for (g in names(lev)) for (v in lev[[g]]) put("multi", g, v)
ctl <- na.omit(lev$control)
pw <- c(); pm <- c()
for (g in c("lo", "hi")) {
  x <- na.omit(lev[[g]])
  tt <- t.test(x, ctl); wt <- wilcox.test(x, ctl)
  put("multi", paste0(g, ".welch.estimate"), mean(x) - mean(ctl))
  put("multi", paste0(g, ".welch.p"), tt$p.value)
  put("multi", paste0(g, ".mw.statistic"), unname(wt$statistic))
  put("multi", paste0(g, ".mw.p"), wt$p.value)
  put("multi", paste0(g, ".hedges.g"), hedges_g(x, ctl))
  pw <- c(pw, tt$p.value); pm <- c(pm, wt$p.value)
}
put("multi", c("lo.welch.p_adjusted", "hi.welch.p_adjusted"), p.adjust(pw, "holm"))
put("multi", c("lo.mw.p_adjusted", "hi.mw.p_adjusted"), p.adjust(pm, "holm"))

write_ref <- function(rows, path) {
  con <- file(path, "w")
  writeLines(sprintf("# generated by scripts/ref_stats.R with %s; do not edit", R.version.string), con)
  write.csv(do.call(rbind, rows), con, row.names = FALSE, quote = FALSE)
  close(con)
  cat("wrote", path, "\n")
}
write_ref(rows, out)

# ---------------------------------------------------------------------------
# More than two groups. Written from the papers, independently of the C code.
rows <- list()

# Density of s = chi_df / sqrt(df) on the log scale.
log_fs <- function(s, df) df / 2 * log(df / 2) + log(2) - lgamma(df / 2) + (df - 1) * log(s) - df * s^2 / 2

# The outer integral int_0^Inf f_df(s) inner(x s) ds, split at the mode.
outer_int <- function(x, df, inner) {
  g <- function(s) sapply(s, function(si) if (si <= 0) 0 else exp(log_fs(si, df)) * inner(x * si))
  mode <- sqrt((df - 1) / df)
  integrate(g, 0, mode, rel.tol = 1e-12, abs.tol = 0, subdivisions = 2000)$value +
    integrate(g, mode, Inf, rel.tol = 1e-12, abs.tol = 0, subdivisions = 2000)$value
}

# P(range of k standard normals > w) = k int phi(z) [Phi(z)^(k-1) - (Phi(z) - Phi(z-w))^(k-1)] dz,
# the bracket as b sum_j a^j c^(k-2-j) (no cancellation).
range_upper <- function(w, k) {
  if (w <= 0) return(1)
  f <- function(z) {
    a <- pnorm(z); b <- pnorm(z - w); cc <- a - b
    s <- 0
    for (j in 0:(k - 2)) s <- s + a^j * cc^(k - 2 - j)
    k * dnorm(z) * b * s
  }
  integrate(f, -Inf, w / 2, rel.tol = 1e-13, abs.tol = 0, subdivisions = 2000)$value +
    integrate(f, w / 2, Inf, rel.tol = 1e-13, abs.tol = 0, subdivisions = 2000)$value
}
ptukey_int <- function(q, k, df) outer_int(q, df, function(w) range_upper(w, k))

# Two-sided Dunnett: P(max |T_i| > c) with corr(T_i, T_j) = l_i l_j, by the
# one-factor representation Z_i = l_i Z_0 + sqrt(1 - l_i^2) E_i.
dunnett_inner <- function(w, lambda) {
  if (w <= 0) return(1)
  sig <- sqrt(1 - lambda^2)
  f <- function(z) sapply(z, function(zz) {
    e <- pnorm((lambda * zz - w) / sig) + pnorm(-(lambda * zz + w) / sig)
    if (any(e >= 1)) 1 else -expm1(sum(log1p(-e)))
  }) * 2 * dnorm(z)
  peak <- max(lambda) * w
  integrate(f, 0, peak, rel.tol = 1e-13, abs.tol = 0, subdivisions = 2000)$value +
    integrate(f, peak, Inf, rel.tol = 1e-13, abs.tol = 0, subdivisions = 2000)$value
}
pdunnett_int <- function(c, lambda, df) outer_int(c, df, function(w) dunnett_inner(w, lambda))

# Self-checks of the integrals against closed forms: k = 2 and m = 1 are t tails.
stopifnot(abs(ptukey_int(3.1, 2, 7) / (2 * pt(3.1 / sqrt(2), 7, lower.tail = FALSE)) - 1) < 1e-9)
stopifnot(abs(pdunnett_int(2.2, 0.6, 9) / (2 * pt(2.2, 9, lower.tail = FALSE)) - 1) < 1e-9)

qroot <- function(f, lo, hi) uniroot(function(x) f(x) - 0.05, c(lo, hi), tol = 1e-13)$root

# The studentized range over a grid: R's ptukey and the integral above.
for (k in c(2, 3, 4, 6)) for (df in c(5, 10, 20, 44, 120)) for (q in c(1, 2.5, 3.5, 5)) {
  put("ptukey", "k", k); put("ptukey", "df", df); put("ptukey", "q", q)
  put("ptukey", "p_R", ptukey(q, k, df, lower.tail = FALSE))
  put("ptukey", "p_int", ptukey_int(q, k, df))
}
for (k in c(3, 4, 6)) for (df in c(10, 44)) {
  put("qtukey", "k", k); put("qtukey", "df", df)
  put("qtukey", "q_R", qtukey(0.95, k, df))
  put("qtukey", "q_int", qroot(function(q) ptukey_int(q, k, df), qtukey(0.95, k, df) - 0.01, qtukey(0.95, k, df) + 0.01))
}

k_group <- function(name, groups, control = 1) {
  k <- length(groups)
  for (i in seq_len(k)) for (v in groups[[i]]) put(name, paste0("g", i), v)
  y <- unlist(groups); g <- factor(rep(seq_len(k), lengths(groups)))
  n <- as.numeric(lengths(groups)); N <- length(y)
  a <- oneway.test(y ~ g, var.equal = TRUE)
  put(name, "anova.F", unname(a$statistic)); put(name, "anova.df", unname(a$parameter[1]))
  put(name, "anova.df2", unname(a$parameter[2])); put(name, "anova.p", a$p.value)
  w <- oneway.test(y ~ g)
  put(name, "welch.F", unname(w$statistic)); put(name, "welch.df", unname(w$parameter[1]))
  put(name, "welch.df2", unname(w$parameter[2])); put(name, "welch.p", w$p.value)
  kw <- kruskal.test(y ~ g)
  put(name, "kw.H", unname(kw$statistic)); put(name, "kw.df", unname(kw$parameter)); put(name, "kw.p", kw$p.value)

  # Tukey HSD (Tukey-Kramer): TukeyHSD, and q with its p from ptukey and from the integral
  fit <- aov(y ~ g)
  tk <- TukeyHSD(fit)$g
  df <- fit$df.residual; mse <- sum(fit$residuals^2) / df
  means <- tapply(y, g, mean)
  qcrit <- qroot(function(q) ptukey_int(q, k, df), qtukey(0.95, k, df) - 0.01, qtukey(0.95, k, df) + 0.01)
  put(name, "tukey.qcrit_int", qcrit)
  r <- 0
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    r <- r + 1
    se <- sqrt(mse / 2 * (1 / n[i] + 1 / n[j]))
    q <- abs(means[j] - means[i]) / se
    put(name, "tukey.diff", tk[r, "diff"]); put(name, "tukey.lwr", tk[r, "lwr"]); put(name, "tukey.upr", tk[r, "upr"])
    put(name, "tukey.p_R", tk[r, "p adj"]); put(name, "tukey.q", q)
    put(name, "tukey.p_int", ptukey_int(q, k, df))
    put(name, "tukey.lwr_int", means[j] - means[i] - qcrit * se); put(name, "tukey.upr_int", means[j] - means[i] + qcrit * se)
  }

  # Dunnett against group `control`: the integral, mvtnorm (Monte Carlo) and multcomp
  tr <- setdiff(seq_len(k), control)
  lambda <- sqrt(n[tr] / (n[tr] + n[control]))
  corr <- outer(lambda, lambda); diag(corr) <- 1
  se <- sqrt(mse * (1 / n[tr] + 1 / n[control]))
  tstat <- (means[tr] - means[control]) / se
  ccrit <- qroot(function(c) pdunnett_int(c, lambda, df), 1.5, 4)
  put(name, "dunnett.ccrit_int", ccrit)
  set.seed(1)
  put(name, "dunnett.ccrit_mvt", qmvt(0.95, tail = "both.tails", df = df, corr = corr,
                                      algorithm = GenzBretz(maxpts = 2e6, abseps = 1e-6))$quantile)
  gl <- summary(glht(fit, linfct = mcp(g = "Dunnett")))
  for (i in seq_along(tr)) {
    put(name, "dunnett.diff", unname(means[tr[i]] - means[control])); put(name, "dunnett.t", unname(tstat[i]))
    put(name, "dunnett.p_int", pdunnett_int(abs(tstat[i]), lambda, df))
    set.seed(1)
    put(name, "dunnett.p_mvt", 1 - pmvt(lower = rep(-abs(tstat[i]), length(tr)), upper = rep(abs(tstat[i]), length(tr)),
                                        df = df, corr = corr, algorithm = GenzBretz(maxpts = 2e6, abseps = 1e-7))[1])
    put(name, "dunnett.p_multcomp", unname(gl$test$pvalues[i]))
    put(name, "dunnett.lwr_int", unname(means[tr[i]] - means[control] - ccrit * se[i]))
    put(name, "dunnett.upr_int", unname(means[tr[i]] - means[control] + ccrit * se[i]))
  }

  # Dunn (1964): mid-ranks, tie-corrected variance, all pairs, Holm
  rk <- rank(y); tt <- table(y); v <- N * (N + 1) / 12 - sum(tt^3 - tt) / (12 * (N - 1))
  mr <- tapply(rk, g, mean)
  pz <- c()
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    z <- (mr[j] - mr[i]) / sqrt(v * (1 / n[i] + 1 / n[j]))
    put(name, "dunn.diff", unname(mr[j] - mr[i])); put(name, "dunn.z", unname(z))
    pz <- c(pz, 2 * pnorm(-abs(z)))
  }
  for (v in pz) put(name, "dunn.p", v)
  for (v in p.adjust(pz, "holm")) put(name, "dunn.p_holm", v)
}

set.seed(20260101)
k_group("k3_small", list(round(rnorm(5, 10, 2), 3), round(rnorm(6, 12, 2), 3), round(rnorm(7, 11, 2), 3)))
k_group("k4_unbal", list(round(rnorm(8, 5, 1), 4), round(rnorm(12, 6, 3), 4), round(rnorm(5, 5.5, 0.5), 4),
                         round(rnorm(10, 7, 2), 4)))
k_group("k4_ties", lapply(c(3, 3.5, 4, 5), function(m) round(rnorm(10, m, 1.2))))
k_group("k3_large", list(round(rnorm(60, 0, 1), 4), round(rnorm(55, 0.4, 1.2), 4), round(rnorm(70, 0.2, 0.8), 4)))
# The 'multi' levels of the two-group file (NA dropped), in zf_stats_compare's order: control, lo, hi.
k_group("multi", list(as.numeric(na.omit(lev$control)), as.numeric(na.omit(lev$lo)), as.numeric(na.omit(lev$hi))))

write_ref(rows, out_k)
