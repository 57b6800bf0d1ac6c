// The simulator's binary-trees workload (src/Heap/Workloads/BinaryTrees.cs) as a real Go program, run
// sequentially in the same shape: a stretch tree of depth max+1, a long-lived tree of depth max, then
// 2^(max-d+4) trees of depth d for d = 4, 6, ..., max. Nodes are struct{ left, right *Node }, 16 bytes.
// bench/go/compare.sh runs it under GODEBUG=gctrace=1 beside the simulator; with the argument "overhead" it
// prints the KiB of memory the runtime maps besides heap and stacks (runtime/metrics) and exits.
package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
)

type Node struct{ left, right *Node }

func bottomUp(d int) *Node {
	if d <= 0 {
		return &Node{}
	}
	return &Node{bottomUp(d - 1), bottomUp(d - 1)}
}

func (n *Node) check() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

// overheadKiB is the memory the runtime maps besides the heap and stacks, as runtime/metrics sees it
// at the start of the program: its metadata and the class "other".
func overheadKiB() uint64 {
	var samples []metrics.Sample
	for _, d := range metrics.All() {
		if strings.HasPrefix(d.Name, "/memory/classes/metadata/") || d.Name == "/memory/classes/other:bytes" {
			samples = append(samples, metrics.Sample{Name: d.Name})
		}
	}
	metrics.Read(samples)
	var total uint64
	for _, s := range samples {
		total += s.Value.Uint64()
	}
	return total >> 10
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "overhead" {
		fmt.Println(overheadKiB())
		return
	}
	n := 16
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	minD := 4
	maxD := n
	if minD+2 > n {
		maxD = minD + 2
	}
	stretch := bottomUp(maxD + 1)
	fmt.Printf("stretch tree of depth %d\t check: %d\n", maxD+1, stretch.check())
	stretch = nil
	long := bottomUp(maxD)
	for d := minD; d <= maxD; d += 2 {
		iters := 1 << uint(maxD-d+minD)
		c := 0
		for i := 0; i < iters; i++ {
			c += bottomUp(d).check()
		}
		fmt.Printf("%d\t trees of depth %d\t check: %d\n", iters, d, c)
	}
	fmt.Printf("long lived tree of depth %d\t check: %d\n", maxD, long.check())
}
