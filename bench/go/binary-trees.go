// The simulator's binary-trees workload (src/Heap/Workloads/BinaryTrees.cs) as a real Go program, run
// sequentially in the same shape: a stretch tree of depth max+1, a long-lived tree of depth max, then
// 2^(max-d+4) trees of depth d for d = 4, 6, ..., max. Nodes are struct{ left, right *Node }, 16 bytes.
// bench/go/compare.sh runs it under GODEBUG=gctrace=1 beside the simulator.
package main

import (
	"fmt"
	"os"
	"strconv"
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

func main() {
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
