module jsonflat.bench/goflat

go 1.22
