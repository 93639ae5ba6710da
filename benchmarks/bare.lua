dofile(os.getenv("BENCH_DIR") .. "/wrk_percentiles.lua")
