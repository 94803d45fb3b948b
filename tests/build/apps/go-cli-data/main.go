// wordfreq prints the most frequent words of a text file.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
)

func main() {
	top := flag.Int("top", 5, "how many words to print")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wordfreq [-top N] FILE")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "wordfreq:", err)
		os.Exit(1)
	}
	defer f.Close()

	counts := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Split(bufio.ScanWords)
	total := 0
	for sc.Scan() {
		w := strings.ToLower(strings.TrimFunc(sc.Text(), func(r rune) bool { return !unicode.IsLetter(r) }))
		if w == "" {
			continue
		}
		counts[w]++
		total++
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	fmt.Printf("%d words, %d distinct\n", total, len(counts))
	for i, w := range words {
		if i == *top {
			break
		}
		fmt.Printf("%-12s %d\n", w, counts[w])
	}
}
