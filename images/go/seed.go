// Built once at image build time, only to fill the seed build cache with the packages most programs
// import (see the Dockerfile).
package main

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	r := bufio.NewReader(os.Stdin)
	_ = r
	fmt.Println(sort.IntsAreSorted(nil), strings.ToUpper("a"), math.Pi, strconv.Itoa(1), errors.New("x"), time.Second)
}
