#!/usr/bin/env Rscript
# ref_stats.R: regenerates tests/reference/stats_two_group.csv, the fixed datasets and R's results that test_stats checks.
#
# Usage: Rscript scripts/ref_stats.R [output.csv]
# The file is long-format CSV: dataset,quantity,value. A quantity that appears
# several times is a vector in file order (x, y, p, ...). NaN stands for NA.

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else {
  here <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  file.path(dirname(dirname(normalizePath(here))), "tests", "reference", "stats_two_group.csv")
}

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

# BCa interval of g as DABEST defines it, written independently of the C code:
# B resamples within each group; z0 from the fraction of bootstrap g below g;
# acceleration from the leave-one-out values over x then y; type-7 quantiles.
bca_g <- function(x, y, B) {
  nx <- length(x); ny <- length(y)
  m <- nx + ny - 2
  J <- exp(lgamma(m / 2) - 0.5 * log(m / 2) - lgamma((m - 1) / 2))
  chunk <- function(b) {
    bx <- matrix(x[sample.int(nx, b * nx, replace = TRUE)], nrow = b)
    by <- matrix(y[sample.int(ny, b * ny, replace = TRUE)], nrow = b)
    mx <- rowMeans(bx); my <- rowMeans(by)
    ss <- rowSums((bx - mx)^2) + rowSums((by - my)^2)
    (mx - my) / sqrt(ss / m) * J
  }
  gb <- unlist(lapply(rep(1e5, B %/% 1e5), chunk))
  gb <- gb[is.finite(gb)]
  g <- hedges_g(x, y)
  z0 <- qnorm(mean(gb < g))
  jk <- c(sapply(seq_len(nx), function(i) hedges_g(x[-i], y)),
          sapply(seq_len(ny), function(i) hedges_g(x, y[-i])))
  d <- mean(jk) - jk
  a <- sum(d^3) / (6 * sum(d^2)^1.5)
  lev <- sapply(qnorm(c(0.025, 0.975)), function(z) pnorm(z0 + (z0 + z) / (1 - a * (z0 + z))))
  unname(quantile(gb, lev, type = 7))
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
  if (bca_B > 0) {
    ci <- bca_g(x, y, bca_B)
    put(name, "bca.B", bca_B)
    put(name, "bca.ci_low", ci[1])
    put(name, "bca.ci_high", ci[2])
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

# p.adjust over a family with ties and a missing value.
p <- c(0.01, 0.04, 0.03, 0.04, 0.2, NA, 0.005, 0.5, 0.9, 0.0001, 0.012)
for (v in p) put("padj", "p", v)
for (m in c("holm", "bonferroni", "hochberg", "BH"))
  for (v in p.adjust(p, m)) put("padj", m, v)

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

con <- file(out, "w")
writeLines(sprintf("# generated by scripts/ref_stats.R with %s; do not edit", R.version.string), con)
write.csv(do.call(rbind, rows), con, row.names = FALSE, quote = FALSE)
close(con)
cat("wrote", out, "\n")
