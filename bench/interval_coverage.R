# 80% prediction intervals of R's ets() and auto.arima() on the forecasting suite, scored as
# bench/forecast_suite.py scores rnn4j's: the share of test points inside the interval and the mean
# width, pooled over the 14 univariate series, per evaluation (the protocol of the suite's PROTOCOL.md).
#
# Usage: Rscript bench/interval_coverage.R SUITE_FOLDER OUT.tsv
# Needs: R with the CRAN package forecast (Debian: r-base-core r-cran-forecast).
#
#   multi_step: one fit on the first n-h rows, forecast(fit, h, level = 80) from its end;
#   one_step:   the same fit, parameters fixed, refitted on rows 1..t-1 with the model held
#               (ets(model = fit, use.initial.values = TRUE), Arima(model = fit)) and
#               forecast(h = 1, level = 80) for each test row t.

suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 2)
dir <- args[[1]]
suite <- read.delim(file.path(dir, "suite.tsv"), colClasses = "character")
rows <- list()
for (i in seq_len(nrow(suite))) {
  s <- suite[i, ]
  if (s$layout != "wide") next
  m <- as.integer(s$m); h <- as.integer(s$h)
  d <- read.csv(file.path(dir, s$file), colClasses = c(date = "character"))
  d <- d[order(d$date), ]
  y <- as.numeric(d[[s$target]])
  n <- length(y); ntr <- n - h
  train <- ts(y[1:ntr], frequency = m)
  test <- y[(ntr + 1):n]
  fit_e <- ets(train)
  fit_a <- if (s$frequency == "daily") {
    auto.arima(train, seasonal = FALSE, stepwise = TRUE, approximation = TRUE)
  } else {
    auto.arima(train)
  }
  for (meth in c("ets", "arima")) {
    fit <- if (meth == "ets") fit_e else fit_a
    fm <- forecast(fit, h = h, level = 80)
    lo <- list(multi_step = as.numeric(fm$lower), one_step = numeric(h))
    hi <- list(multi_step = as.numeric(fm$upper), one_step = numeric(h))
    for (k in 1:h) {
      t <- ntr + k
      past <- ts(y[1:(t - 1)], frequency = m)
      held <- if (meth == "ets") ets(past, model = fit_e, use.initial.values = TRUE) else Arima(past, model = fit_a)
      f1 <- forecast(held, h = 1, level = 80)
      lo$one_step[k] <- as.numeric(f1$lower)[1]
      hi$one_step[k] <- as.numeric(f1$upper)[1]
    }
    for (ev in c("one_step", "multi_step")) {
      inside <- test >= lo[[ev]] & test <= hi[[ev]]
      rows[[length(rows) + 1]] <- data.frame(series = s$series, evaluation = ev, method = meth, points = h,
        covered = sum(inside), mean_width = mean(hi[[ev]] - lo[[ev]]), stringsAsFactors = FALSE)
    }
  }
  cat(sprintf("  %-28s done\n", s$series))
}
out <- do.call(rbind, rows)
write.table(out, args[[2]], sep = "\t", quote = FALSE, row.names = FALSE)
for (meth in c("ets", "arima")) for (ev in c("one_step", "multi_step")) {
  r <- out[out$method == meth & out$evaluation == ev, ]
  cat(sprintf("%-6s %-10s 80%% interval coverage %.1f%% of %d test points\n", meth, ev,
              100 * sum(r$covered) / sum(r$points), sum(r$points)))
}
