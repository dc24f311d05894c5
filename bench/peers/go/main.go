// Command goflat is the Go peer of the jsonflat benchmarks (bench/peers/go.ts): the classic alternative of a
// Go service doing the work itself with the standard library. It decodes with encoding/json (numbers kept as
// json.Number, so they are not reformatted), flattens into a map of "a.b.0" paths to leaves (empty objects
// and arrays are leaves, as in jsonflat) and encodes the map with encoding/json (keys sorted, as Go does).
//
//	goflat [--ndjson] INPUT OUTPUT                 file -> file
//	goflat [--ndjson] --runs R --min-seconds S INPUT  in memory, each run repeated for S seconds;
//	                                                 prints {"times":[s per pass...],"outBytes":N}
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

// flattenInto adds every leaf under value to out, its path prefixed by prefix.
func flattenInto(out map[string]any, prefix string, value any) {
	join := func(key string) string {
		if prefix == "" {
			return key
		}
		return prefix + "." + key
	}
	switch v := value.(type) {
	case map[string]any:
		if len(v) == 0 && prefix != "" {
			out[prefix] = v
			return
		}
		for key, child := range v {
			flattenInto(out, join(key), child)
		}
	case []any:
		if len(v) == 0 && prefix != "" {
			out[prefix] = v
			return
		}
		for i, child := range v {
			flattenInto(out, join(strconv.Itoa(i)), child)
		}
	default:
		out[prefix] = v
	}
}

// flattenDocument decodes one JSON document and returns its flattened encoding.
func flattenDocument(doc []byte) ([]byte, error) {
	decoder := json.NewDecoder(bytes.NewReader(doc))
	decoder.UseNumber()
	var value any
	if err := decoder.Decode(&value); err != nil {
		return nil, fmt.Errorf("invalid JSON at byte %d: %w", decoder.InputOffset(), err)
	}
	out := make(map[string]any)
	flattenInto(out, "", value)
	return json.Marshal(out)
}

// pass flattens the whole input (one document, or one per line) into out.
func pass(input []byte, ndjson bool, out *bytes.Buffer) error {
	out.Reset()
	if !ndjson {
		flat, err := flattenDocument(input)
		out.Write(flat)
		return err
	}
	for len(input) > 0 {
		line := input
		if i := bytes.IndexByte(input, '\n'); i >= 0 {
			line, input = input[:i], input[i+1:]
		} else {
			input = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			continue
		}
		flat, err := flattenDocument(line)
		if err != nil {
			return err
		}
		out.Write(flat)
		out.WriteByte('\n')
	}
	return nil
}

func main() {
	ndjson := flag.Bool("ndjson", false, "one document per line")
	runs := flag.Int("runs", 0, "in-memory runs (0: file -> file)")
	minSeconds := flag.Float64("min-seconds", 0, "each in-memory run repeats the pass for this long (at least once)")
	flag.Parse()
	args := flag.Args()
	if len(args) < 1 || (*runs == 0 && len(args) < 2) {
		fmt.Fprintln(os.Stderr, "usage: goflat [--ndjson] [--runs R --min-seconds S] INPUT [OUTPUT]")
		os.Exit(2)
	}
	input, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "goflat:", err)
		os.Exit(1)
	}
	var out bytes.Buffer
	if *runs == 0 {
		if err := pass(input, *ndjson, &out); err != nil {
			fmt.Fprintln(os.Stderr, "goflat:", err)
			os.Exit(1)
		}
		file, err := os.Create(args[1])
		if err == nil {
			w := bufio.NewWriterSize(file, 1<<20)
			_, err = w.Write(out.Bytes())
			if err == nil {
				err = w.Flush()
			}
			if closeErr := file.Close(); err == nil {
				err = closeErr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "goflat:", err)
			os.Exit(1)
		}
		return
	}
	times := make([]float64, 0, *runs)
	for r := 0; r < *runs; r++ {
		start := time.Now()
		passes := 0
		for passes == 0 || time.Since(start).Seconds() < *minSeconds {
			if err := pass(input, *ndjson, &out); err != nil {
				fmt.Fprintln(os.Stderr, "goflat:", err)
				os.Exit(1)
			}
			passes++
		}
		times = append(times, time.Since(start).Seconds()/float64(passes))
	}
	report, _ := json.Marshal(map[string]any{"times": times, "outBytes": out.Len()})
	fmt.Println(string(report))
}
