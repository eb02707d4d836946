package pricing

import (
	"math/big"
	"sort"
)

// allocate splits total (in minor units) over parts in proportion to
// weights by the largest-remainder method: each part gets the floor of its
// exact share, and the units left go one each to the largest remainders
// (ties to the earlier part). The parts always add up to total. With no
// weight at all, the total goes to the first part.
func allocate(total int64, weights []int64) []int64 {
	out := make([]int64, len(weights))
	if len(weights) == 0 || total == 0 {
		return out
	}
	sum := new(big.Int)
	for _, w := range weights {
		sum.Add(sum, big.NewInt(w))
	}
	if sum.Sign() == 0 {
		out[0] = total
		return out
	}
	type rem struct {
		i int
		r *big.Int
	}
	rems := make([]rem, len(weights))
	given := int64(0)
	t := big.NewInt(total)
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(t, big.NewInt(w)), sum, new(big.Int))
		out[i] = q.Int64()
		given += out[i]
		rems[i] = rem{i, r.Abs(r)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r.Cmp(rems[b].r) > 0 })
	step := int64(1)
	if total < 0 {
		step = -1
	}
	for k := 0; given != total; k = (k + 1) % len(rems) {
		out[rems[k].i] += step
		given += step
	}
	return out
}
