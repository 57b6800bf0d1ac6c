module heapnotebook/bench/go

go 1.19
