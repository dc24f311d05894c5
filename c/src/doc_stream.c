/*==============================================================================
 * doc_stream.c — one JSON document of any size, flattened as its bytes arrive
 * (jf_doc_stream_*).
 *
 * A structural scanner reads the top levels of the document: it keeps the
 * open containers it descended into (the spine) and, at each child, tries
 * yyjson on the value there. A value that ends inside the bytes held is
 * flattened by the same walk as jf_flatten (flatten.c), at the spine's path;
 * one that does not is waited for (more input), or, when it is a container
 * already larger than `descend_bytes`, descended into. Memory is therefore
 * bounded by the spine's depth, the largest value read whole (a scalar, or a
 * subtree kept whole by maxDepth / arrays: leaf) and the chunk size, not by
 * the document. Grouped and schema mode keep their groups, as jf_flatten does.
 *
 * Errors are never worded here: on any fault the text from the last state
 * boundary is re-read by jf_flatten's own path behind a short stand-in for
 * the spine ("[", "{\"\":", ...), which yields the very code and message the
 * whole document gives; its offset is moved back into the document and the
 * line and column counted from the running position of the buffer.
 *============================================================================*/
#include "internal.h"
#include "jsonpath.h"

#include <assert.h>

#define DEFAULT_DESCEND_BYTES ((size_t)1 << 20)
#define FIRST_WINDOW ((size_t)4096)
/* A yyjson fault this close to the end of the bytes it was given may be the
 * cut, not the document (a literal, escape or UTF-8 sequence cut short). */
#define CUT_MARGIN 16
/* Windows up to this size parse into the reused pool (no allocation per value). */
#define POOL_LIMIT ((size_t)64 << 10)

typedef enum {
    ST_ROOT,         /* before the root value */
    ST_VALUE,        /* a value is required (after ':' or an array's ',') */
    ST_ARRAY_FIRST,  /* after '[': a value or ']' */
    ST_OBJECT_FIRST, /* after '{': a member name or '}' */
    ST_KEY,          /* after an object's ',': a member name */
    ST_COLON,        /* after a member name */
    ST_AFTER,        /* after a child: ',' or the closing bracket */
    ST_DONE          /* after the root: only white space */
} st_state;

typedef enum { READ_DONE, READ_MORE, READ_FAULT } read_status;

/* A structural scan (brackets and strings only) from a container yyjson found
 * still open at the end of the bytes held: which containers inside it are
 * still open where the scan stopped, so that descending through N open
 * levels costs one scan of the bytes, not N parse attempts over them. It
 * goes on from where it stopped as more bytes arrive; each byte is scanned
 * once. Only a hint: every value is still read (and judged) by yyjson. */
typedef struct open_probe {
    uint64_t *open;      /* document offsets of the containers open at `scanned`, outermost first */
    size_t    depth, cap;
    uint64_t  scanned;   /* document offset up to which the probe has looked */
    bool      in_string, escaped;
} open_probe;

typedef struct spine_frame {
    bool        is_object;
    yyjson_doc *key; /* the member name the container sits under (its short key), or NULL */
} spine_frame;

struct jf_doc_stream {
    jf_config     cfg;
    jf_flattener *fl;
    jf_buf        in;       /* bytes held: in.data[0] is byte `base` of the document */
    size_t        pos;      /* the scanner's place in `in` */
    size_t        rest;     /* start of the current state: where an error is re-read from */
    size_t        comma_at; /* the ',' before the current child, when `after_comma` */
    bool          after_comma; /* ST_KEY or an array's ST_VALUE: re-read from the ',' (yyjson may point at it) */
    uint64_t      base;
    uint64_t      line;     /* line and column of in.data[0] */
    uint64_t      column;
    jf_buf        out;
    jf_buf        scratch;  /* surrogate-replaced copy of a window (replaceInvalidUtf8) */
    uint8_t      *pool;     /* yyjson's memory for values up to POOL_LIMIT, reused value after value */
    size_t        pool_size;
    st_state      state;
    spine_frame  *frames;
    size_t        depth, cap;
    yyjson_doc   *key;      /* the member name read for the next child */
    size_t        wait_until; /* bytes from pos before the value there is tried again */
    size_t        window;     /* bytes handed to yyjson for the next value */
    size_t        descend_bytes;
    open_probe    probe;
    yyjson_doc   *empty_array, *empty_object;
    /* A range of a split document (jf_doc_stream_descend_at / _resume) */
    uint64_t      forced[JF_SPLIT_MAX_PATH + 1]; /* offsets of containers descended into whatever their size */
    size_t        forced_count, forced_next;
    size_t        split_depth;   /* depth of the split array's elements' parent; 0: not a split range */
    uint64_t      leaves_before; /* leaves counted for earlier ranges (the flattener's comma) */
    bool          pausing;       /* jf_doc_stream_pause's final read: the end between elements is no fault */
    bool          started, bom_checked, failed;
    jf_error      error;
};

/*------------------------------------------------------------------------------
 * Positions
 *----------------------------------------------------------------------------*/

/* Continuation bytes (10xxxxxx) in s[0..n), eight at a time. */
static size_t continuation_bytes(const uint8_t *s, size_t n) {
    size_t count = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t cont = w & ~(w << 1) & 0x8080808080808080ull;
        count += (size_t)__builtin_popcountll(cont);
    }
    for (; i < n; i++) count += (s[i] & 0xC0) == 0x80;
    return count;
}

/* Moves (line, column) over s[0..n), as error.c counts them. */
static void advance_position(const uint8_t *s, size_t n, uint64_t *line, uint64_t *column) {
    const uint8_t *p = s, *end = s + n, *line_start = NULL;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;
        (*line)++;
        p = line_start = nl + 1;
    }
    if (line_start) *column = 1;
    else line_start = s;
    size_t tail = (size_t)(end - line_start);
    *column += tail - continuation_bytes(line_start, tail);
}

/* Drops in.data[0..rest): the bytes no state or error can need again. */
static void discard_consumed(jf_doc_stream *s) {
    size_t n = s->rest;
    if (n == 0) return;
    advance_position(s->in.data, n, &s->line, &s->column);
    memmove(s->in.data, s->in.data + n, s->in.len - n);
    s->in.len -= n;
    s->pos -= n;
    s->comma_at -= s->after_comma ? n : 0;
    s->rest = 0;
    s->base += n;
}

/*------------------------------------------------------------------------------
 * Errors: re-read behind a stand-in for the spine
 *----------------------------------------------------------------------------*/

/* Text that leaves a parser in the state the scanner is in: one bracket per
 * open container, a stand-in member name and value where needed. Values are
 * "" so that nothing in the re-read text can join them. */
static void write_stand_in(const jf_doc_stream *s, jf_buf *b) {
    if (s->state == ST_DONE) {
        jf_buf_lit(b, "\"\"");
        return;
    }
    for (size_t i = 0; i < s->depth; i++) {
        bool object = s->frames[i].is_object;
        jf_buf_byte(b, object ? '{' : '[');
        if (i + 1 < s->depth && object) jf_buf_lit(b, "\"\":");
    }
    if (s->depth == 0) return;
    bool object = s->frames[s->depth - 1].is_object;
    if (s->after_comma) { /* the re-read text starts at the ',' itself */
        if (object) jf_buf_lit(b, "\"\":\"\"");
        else jf_buf_lit(b, "\"\"");
        return;
    }
    switch (s->state) {
    case ST_VALUE: jf_buf_put(b, object ? "\"\":" : "\"\",", 3); break;
    case ST_KEY: jf_buf_lit(b, "\"\":\"\","); break;
    case ST_COLON: jf_buf_lit(b, "\"\""); break;
    case ST_AFTER:
        if (object) jf_buf_lit(b, "\"\":\"\"");
        else jf_buf_lit(b, "\"\"");
        break;
    default: break; /* ST_ARRAY_FIRST, ST_OBJECT_FIRST: the bracket alone */
    }
}

static void fail_out_of_memory(jf_doc_stream *s) {
    s->failed = true;
    jf_set_error(&s->error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while flattening a streamed document");
}

/* Fails the stream with the error the whole document gives at the fault the
 * scanner met in in.data[rest..len). */
static void fail_at_fault(jf_doc_stream *s) {
    if (s->out.failed) { /* the walk ran out of memory: nothing to re-read */
        fail_out_of_memory(s);
        return;
    }
    jf_buf text, sink;
    jf_buf_init(&text, s->in.len - s->rest + 64);
    jf_buf_init(&sink, 0);
    write_stand_in(s, &text);
    size_t stand_in = text.len;
    jf_buf_put(&text, s->in.data + s->rest, s->in.len - s->rest);
    jf_flattener *probe = jf_flattener_new(&s->cfg, false);
    jf_error err;
    memset(&err, 0, sizeof err);
    bool parsed = !text.failed && probe && jf_flatten_document(probe, text.data ? text.data : (const uint8_t *)"",
                                                               text.len, &sink, &err);
    bool oom = text.failed || !probe || err.code == JF_OUT_OF_MEMORY;
    jf_flattener_free(probe);
    jf_buf_release(&text);
    jf_buf_release(&sink);
    if (oom) {
        fail_out_of_memory(s);
        return;
    }
    size_t at = s->rest; /* the fault's place in `in` */
    if (parsed) { /* the scanner and the whole-document read disagree: still an error, never a success */
        jf_set_error(&err, JF_INVALID_JSON, NULL, 0, 0, "invalid JSON: unexpected text");
    } else if (err.offset > stand_in) {
        at = s->rest + (size_t)(err.offset - stand_in);
        if (at > s->in.len) at = s->in.len;
    }
    uint64_t line = s->line, column = s->column;
    advance_position(s->in.data, at, &line, &column);
    s->error = err;
    s->error.offset = s->base + at;
    s->error.line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
    s->error.column = column > UINT32_MAX ? UINT32_MAX : (uint32_t)column;
    s->failed = true;
}

/*------------------------------------------------------------------------------
 * Reading one value whole
 *----------------------------------------------------------------------------*/

static yyjson_read_flag read_flags(const jf_config *cfg) {
    yyjson_read_flag flags = YYJSON_READ_NUMBER_AS_RAW | YYJSON_READ_STOP_WHEN_DONE;
    if (cfg->flags & JF_FLAG_REPLACE_INVALID_UTF8) flags |= YYJSON_READ_ALLOW_INVALID_UNICODE;
    return flags;
}

/* yyjson's allocator for a window: the stream's pool when `pooled` (the
 * document must then be freed before the next read) and it fits, else mimalloc. */
static yyjson_alc window_allocator(jf_doc_stream *s, size_t window, bool pooled) {
    yyjson_alc alc = jf_yyjson_alc;
    if (!pooled || window > POOL_LIMIT) return alc;
    size_t need = yyjson_read_max_memory_usage(window, read_flags(&s->cfg)) + 64;
    if (need > s->pool_size) {
        uint8_t *pool = jf_realloc(s->pool, need);
        if (!pool) return alc;
        s->pool = pool;
        s->pool_size = need;
    }
    yyjson_alc_pool_init(&alc, s->pool, s->pool_size);
    return alc;
}

/* yyjson on in.data[pos..pos+window); with replaceInvalidUtf8, on a copy
 * whose lone surrogate escapes say \uFFFD (same length, as parse.c does). */
static yyjson_doc *read_window(jf_doc_stream *s, size_t window, bool pooled, yyjson_read_err *yerr) {
    const uint8_t *text = s->in.data + s->pos;
    if (s->cfg.flags & JF_FLAG_REPLACE_INVALID_UTF8) {
        s->scratch.len = 0;
        jf_buf_put(&s->scratch, text, window);
        if (s->scratch.failed) {
            yerr->code = YYJSON_READ_ERROR_MEMORY_ALLOCATION;
            return NULL;
        }
        jf_replace_lone_surrogates(s->scratch.data, window);
        text = s->scratch.data;
    }
    yyjson_alc alc = window_allocator(s, window, pooled);
    yyjson_doc *doc = yyjson_read_opts((char *)(uintptr_t)text, window, read_flags(&s->cfg), &alc, yerr);
    /* The pool's estimate is not an upper bound for every malformed input: then mimalloc decides. */
    if (!doc && pooled && yerr->code == YYJSON_READ_ERROR_MEMORY_ALLOCATION)
        doc = yyjson_read_opts((char *)(uintptr_t)text, window, read_flags(&s->cfg), &jf_yyjson_alc, yerr);
    return doc;
}

/* The value at `pos`: READ_DONE with it parsed and its length, READ_MORE
 * when the bytes held end inside it, READ_FAULT when it is not valid. */
static read_status read_value(jf_doc_stream *s, bool final, bool pooled, yyjson_doc **doc, size_t *used) {
    size_t avail = s->in.len - s->pos;
    if (avail < s->wait_until && !final) return READ_MORE;
    size_t window = s->window < avail ? s->window : avail;
    for (;;) {
        bool whole = window == avail;
        yyjson_read_err yerr;
        yyjson_doc *d = read_window(s, window, pooled, &yerr);
        if (d) {
            size_t n = yyjson_doc_get_read_size(d);
            uint8_t last = s->in.data[s->pos + n - 1];
            bool number_may_go_on = n == window && last >= '0' && last <= '9' && !(whole && final);
            if (!number_may_go_on) {
                jf_error err;
                d = jf_reject_raw_control(d, s->in.data + s->pos, n, 0, &s->cfg, &err);
                if (!d) return READ_FAULT;
                *doc = d;
                *used = n;
                s->window = n * 2 + FIRST_WINDOW; /* the next value is likely of about the same size */
                return READ_DONE;
            }
            yyjson_doc_free(d);
        } else if (yerr.code == YYJSON_READ_ERROR_MEMORY_ALLOCATION) {
            return READ_FAULT;
        } else if ((whole && final) ||
                   (yerr.code != YYJSON_READ_ERROR_UNEXPECTED_END && yerr.pos + CUT_MARGIN < window)) {
            return READ_FAULT;
        }
        if (whole) {
            s->wait_until = avail * 2; /* try again once the bytes held doubled: linear in the value */
            return READ_MORE;
        }
        window = window * 2 < avail ? window * 2 : avail;
    }
}

/*------------------------------------------------------------------------------
 * The open-container probe
 *----------------------------------------------------------------------------*/

static bool probe_push(open_probe *p, uint64_t at) {
    if (p->depth == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        uint64_t *open = jf_realloc(p->open, cap * sizeof(*open));
        if (!open) return false;
        p->open = open;
        p->cap = cap;
    }
    p->open[p->depth++] = at;
    return true;
}

/* The high bit of each byte of `w` that equals the byte `b` (the lowest one
 * set is exact; bits above it may be false: borrows). */
static inline uint64_t bytes_equal(uint64_t w, uint8_t b) {
    uint64_t v = w ^ (0x0101010101010101ull * b);
    return (v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull;
}

/* The first i in [from, n) where data[i] is one the probe acts on: a quote or
 * a backslash inside a string, a quote or a bracket outside; n if none.
 * Eight bytes per step: the probe passes over every byte of a document whose
 * root stays open (an array of records), so this loop is its cost. */
static size_t probe_next(const uint8_t *data, size_t from, size_t n, bool in_string) {
    size_t i = from;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, hits;
        memcpy(&w, data + i, 8);
        if (in_string) {
            hits = bytes_equal(w, '"') | bytes_equal(w, '\\');
        } else {
            uint64_t folded = w | 0x2020202020202020ull; /* [ and ] onto { and }, nothing else onto them */
            hits = bytes_equal(w, '"') | bytes_equal(folded, '{') | bytes_equal(folded, '}');
        }
        if (hits) return i + (size_t)__builtin_ctzll(hits) / 8;
    }
    for (; i < n; i++) {
        uint8_t c = data[i];
        if (in_string ? c == '"' || c == '\\' : c == '"' || c == '[' || c == ']' || c == '{' || c == '}') return i;
    }
    return n;
}

/* Scans the bytes held past `scanned` while more than `keep` of the probe's
 * containers are open (keep 0: until its outermost one closes, which ends the
 * probe). */
static bool probe_extend(jf_doc_stream *s, size_t keep) {
    open_probe *p = &s->probe;
    const uint8_t *data = s->in.data;
    size_t i = (size_t)(p->scanned - s->base), n = s->in.len;
    while (i < n && p->depth > keep) {
        if (p->escaped) { /* the byte after a backslash */
            p->escaped = false;
            i++;
            continue;
        }
        i = probe_next(data, i, n, p->in_string);
        if (i == n) break;
        uint8_t c = data[i];
        if (p->in_string) {
            if (c == '\\') p->escaped = true;
            else p->in_string = false;
        } else if (c == '"') {
            p->in_string = true;
        } else if (c == '[' || c == '{') {
            if (!probe_push(p, s->base + i)) return false;
        } else {
            p->depth--;
        }
        i++;
    }
    p->scanned = s->base + (p->depth > keep ? n : i);
    return true;
}

/* Whether the container at document offset `at` is open where the probe has
 * looked up to (`scanned`), and at which place in its open containers. */
static bool probe_find(const open_probe *p, uint64_t at, size_t *place) {
    size_t lo = 0, hi = p->depth;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->open[mid] < at) lo = mid + 1;
        else hi = mid;
    }
    *place = lo;
    return lo < p->depth && p->open[lo] == at;
}

/* Starts a probe at the container at `pos`. */
static bool probe_start(jf_doc_stream *s) {
    open_probe *p = &s->probe;
    p->depth = 0;
    p->in_string = p->escaped = false;
    p->scanned = s->base + s->pos + 1;
    return probe_push(p, s->base + s->pos) && probe_extend(s, 0);
}

/*------------------------------------------------------------------------------
 * The scanner
 *----------------------------------------------------------------------------*/

static bool top_is_object(const jf_doc_stream *s) { return s->depth && s->frames[s->depth - 1].is_object; }

static void drop_key(jf_doc_stream *s) {
    yyjson_doc_free(s->key);
    s->key = NULL;
}

static void after_child(jf_doc_stream *s) {
    s->after_comma = false;
    s->state = s->depth ? ST_AFTER : ST_DONE;
    s->wait_until = 0;
}

/* Pushes a spine frame (under the member name read last) and opens it in the flattener. */
static bool push_spine(jf_doc_stream *s, bool is_object) {
    if (s->depth == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        spine_frame *frames = jf_realloc(s->frames, cap * sizeof(*frames));
        if (!frames) {
            fail_out_of_memory(s);
            return false;
        }
        s->frames = frames;
        s->cap = cap;
    }
    if (!jf_flattener_open(s->fl, is_object)) {
        fail_out_of_memory(s);
        return false;
    }
    s->frames[s->depth++] = (spine_frame){ is_object, s->key };
    s->key = NULL;
    return true;
}

/* Descends into the container at `pos`. */
static bool open_container(jf_doc_stream *s, bool is_object) {
    if (!top_is_object(s)) jf_flattener_element(s->fl);
    if (!push_spine(s, is_object)) return false;
    s->pos++;
    s->after_comma = false;
    s->state = is_object ? ST_OBJECT_FIRST : ST_ARRAY_FIRST;
    s->wait_until = 0;
    return true;
}

static bool close_container(jf_doc_stream *s) {
    spine_frame *fr = &s->frames[s->depth - 1];
    yyjson_doc *empty = fr->is_object ? s->empty_object : s->empty_array;
    bool ok = jf_flattener_close(s->fl, yyjson_doc_get_root(empty));
    if (!ok) { /* a too-deep empty container: the re-read finds it */
        fail_at_fault(s);
        return false;
    }
    yyjson_doc_free(fr->key);
    s->depth--;
    s->pos++;
    after_child(s);
    return true;
}

/* A value where one is expected: written whole, descended into, or waited for. */
static bool scan_value(jf_doc_stream *s, bool final) {
    yyjson_doc *doc = NULL;
    size_t used = 0;
    uint8_t c = s->in.data[s->pos];
    bool container = c == '[' || c == '{';
    uint64_t at = s->base + s->pos;
    if (container && s->forced_next < s->forced_count && at == s->forced[s->forced_next]) {
        s->forced_next++; /* a container on a split's path: always descended into */
        if (jf_flattener_depth(s->fl) + 1 > s->cfg.max_nesting) {
            fail_at_fault(s);
            return false;
        }
        return open_container(s, c == '{');
    }
    /* Known to be open at the end of the bytes held: no parse attempt (it would read them all in vain).
     * The probe looks further only for a container it saw open, and only until that one closes: the
     * elements of a long array are read by yyjson alone, not scanned byte by byte first. */
    bool known_open = false;
    size_t place;
    if (container && s->probe.depth && at < s->probe.scanned && probe_find(&s->probe, at, &place)) {
        if (!probe_extend(s, place)) {
            fail_out_of_memory(s);
            return false;
        }
        known_open = !final && s->probe.depth > place;
    }
    read_status r = known_open ? READ_MORE : read_value(s, final, true, &doc, &used);
    if (r == READ_FAULT) {
        fail_at_fault(s);
        return false;
    }
    if (r == READ_MORE) {
        bool large = s->in.len - s->pos >= s->descend_bytes;
        if (!container || !large) return false;
        if (!known_open && !probe_start(s)) {
            fail_out_of_memory(s);
            return false;
        }
        if (jf_flattener_depth(s->fl) + 1 > s->cfg.max_nesting) { /* the first bracket beyond the limit */
            fail_at_fault(s);
            return false;
        }
        return jf_flattener_may_open(s->fl, c == '{') && open_container(s, c == '{');
    }
    if (!top_is_object(s)) jf_flattener_element(s->fl);
    bool ok = jf_flattener_value(s->fl, doc);
    yyjson_doc_free(doc);
    drop_key(s);
    if (!ok) {
        fail_at_fault(s);
        return false;
    }
    s->pos += used;
    after_child(s);
    return true;
}

static bool scan_key(jf_doc_stream *s, bool final) {
    if (s->in.data[s->pos] != '"') {
        fail_at_fault(s);
        return false;
    }
    yyjson_doc *doc = NULL;
    size_t used = 0;
    read_status r = read_value(s, final, false, &doc, &used); /* a key outlives the next read */
    if (r == READ_FAULT) fail_at_fault(s);
    if (r != READ_DONE) return false;
    drop_key(s);
    s->key = doc;
    jf_flattener_member(s->fl, yyjson_doc_get_root(doc));
    s->pos += used;
    s->after_comma = false;
    s->state = ST_COLON;
    s->wait_until = 0;
    return true;
}

static bool scan_after(jf_doc_stream *s) {
    uint8_t c = s->in.data[s->pos];
    bool object = top_is_object(s);
    if (c == ',') {
        s->comma_at = s->pos++;
        s->after_comma = true;
        s->state = object ? ST_KEY : ST_VALUE;
        return true;
    }
    if (c == (object ? '}' : ']')) return close_container(s);
    fail_at_fault(s);
    return false;
}

static bool is_space(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/* One step at `pos`; false when more input is needed or the stream failed. */
static bool scan_step(jf_doc_stream *s, bool final) {
    uint8_t c = s->in.data[s->pos];
    switch (s->state) {
    case ST_ROOT:
    case ST_VALUE: return scan_value(s, final);
    case ST_ARRAY_FIRST: return c == ']' ? close_container(s) : scan_value(s, final);
    case ST_OBJECT_FIRST: return c == '}' ? close_container(s) : scan_key(s, final);
    case ST_KEY: return scan_key(s, final);
    case ST_COLON:
        if (c != ':') break;
        s->pos++;
        s->state = ST_VALUE;
        return true;
    case ST_AFTER: return scan_after(s);
    case ST_DONE: break;
    }
    fail_at_fault(s);
    return false;
}

/* A split range's clean end: just after an element of the split array (the
 * next range starts at the comma), nothing held. */
static bool between_elements(const jf_doc_stream *s) {
    return s->split_depth && s->forced_next == s->forced_count && s->depth == s->split_depth &&
           s->state == ST_AFTER && s->pos == s->in.len;
}

static void scan(jf_doc_stream *s, bool final) {
    if (!s->bom_checked) {
        if (s->in.len < 3 && !final) return;
        s->pos = jf_bom_length(s->in.data, s->in.len);
        s->bom_checked = true;
    }
    while (!s->failed) {
        while (s->pos < s->in.len && is_space(s->in.data[s->pos])) s->pos++;
        /* The root's re-read starts at byte 0, so that a BOM and leading space count as jf_flatten counts them. */
        if (s->state != ST_ROOT) s->rest = s->after_comma ? s->comma_at : s->pos;
        if (s->pos == s->in.len) {
            if (final && s->state != ST_DONE && !(s->pausing && between_elements(s))) fail_at_fault(s);
            return;
        }
        if (!scan_step(s, final)) return;
    }
}

/*------------------------------------------------------------------------------
 * Entry points
 *----------------------------------------------------------------------------*/

static void result_counters(const jf_doc_stream *s, jf_result *result, size_t length) {
    result->length = length;
    result->leaves = jf_flattener_leaves(s->fl) - s->leaves_before;
    result->unsafe_integers = jf_flattener_unsafe_integers(s->fl);
}

/* The common tail of feed and finish: the output so far, or NULL with the error. */
static const uint8_t *hand_over(jf_doc_stream *s, jf_result *result) {
    if (!s->failed && (s->out.failed || s->in.failed)) fail_out_of_memory(s);
    if (s->failed) {
        result->error = s->error;
        return NULL;
    }
    result_counters(s, result, s->out.len);
    return s->out.data ? s->out.data : (const uint8_t *)"";
}

static bool stream_begin_call(jf_doc_stream *s, jf_result *result) {
    if (!result) return false;
    jf_clear_result(result);
    s->out.len = 0;
    if (!s->started) {
        jf_flattener_begin(s->fl, &s->out);
        s->started = true;
    }
    return true;
}

JF_API jf_doc_stream *jf_doc_stream_new(const jf_options *options, const jf_query *query, uint64_t chunk_bytes,
                                        jf_error *error) {
    jf_error scratch;
    if (!error) error = &scratch;
    memset(error, 0, sizeof(*error));
    jf_config cfg;
    if (!jf_config_from(options, &cfg, error)) return NULL;
    if (cfg.flags & JF_FLAG_SCHEMA_DETAIL) { /* its container counts need every container as a parsed value */
        jf_set_error(error, JF_INVALID_OPTION, NULL, 0, 0,
                     "types from data (schema detail) read the whole document, not a document stream");
        return NULL;
    }
    if (query && jf_query_jsonpath(query)) { /* RFC 9535 filters compare subtrees: it runs on a parsed document */
        jf_set_error(error, JF_INVALID_OPTION, NULL, 0, 0, "a JSONPath query reads the whole document, not a document stream");
        return NULL;
    }
    if (query) {
        cfg.mode = JF_MODE_LEAF;
        cfg.query = query;
    }
    jf_doc_stream *s = jf_malloc(sizeof(*s));
    if (!s) {
        jf_set_error(error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while starting a document stream");
        return NULL;
    }
    memset(s, 0, sizeof(*s));
    s->cfg = cfg;
    s->line = s->column = 1;
    s->window = FIRST_WINDOW;
    s->descend_bytes = chunk_bytes ? (size_t)chunk_bytes : DEFAULT_DESCEND_BYTES;
    s->fl = jf_flattener_new(&s->cfg, false);
    s->empty_array = yyjson_read("[]", 2, 0);
    s->empty_object = yyjson_read("{}", 2, 0);
    jf_buf_init(&s->in, 4096); /* never NULL, even before the first byte: offsets into it stay defined */
    jf_buf_init(&s->out, 0);
    jf_buf_init(&s->scratch, 0);
    if (!s->fl || !s->empty_array || !s->empty_object || s->in.failed) {
        jf_doc_stream_free(s);
        jf_set_error(error, JF_OUT_OF_MEMORY, NULL, 0, 0, "out of memory while starting a document stream");
        return NULL;
    }
    return s;
}

JF_API const uint8_t *jf_doc_stream_feed(jf_doc_stream *stream, const uint8_t *chunk, size_t length,
                                         jf_result *result) {
    if (!stream || !stream_begin_call(stream, result)) return NULL;
    if (!chunk && length) {
        jf_set_error(&result->error, JF_INVALID_OPTION, NULL, 0, 0, "invalid input: NULL with a length");
        return NULL;
    }
    if (!stream->failed) {
        discard_consumed(stream);
        jf_buf_put(&stream->in, chunk, length);
        if (!stream->in.failed) scan(stream, false);
    }
    return hand_over(stream, result);
}

JF_API const uint8_t *jf_doc_stream_finish(jf_doc_stream *stream, jf_result *result) {
    if (!stream || !stream_begin_call(stream, result)) return NULL;
    if (!stream->failed) {
        stream->wait_until = 0;
        scan(stream, true);
        if (!stream->failed && !jf_flattener_end(stream->fl)) fail_out_of_memory(stream);
    }
    return hand_over(stream, result);
}

/*------------------------------------------------------------------------------
 * Ranges of a split document (jf_split_scan)
 *----------------------------------------------------------------------------*/

/* Whether `s` may become a range of a split at a path of `containers` containers. */
static bool split_allowed(const jf_doc_stream *s, size_t containers, jf_error *error) {
    const char *why = NULL;
    if (s->started || s->split_depth) why = "a split range is set up before the first feed, once";
    else if (containers == 0 || containers > JF_SPLIT_MAX_PATH + 1) why = "a split path is 1 to 17 containers deep";
    else if (s->cfg.mode != JF_MODE_LEAF || s->cfg.query) why = "a split document is flattened in leaf mode only";
    else if ((s->cfg.max_depth && s->cfg.max_depth < containers) || (s->cfg.flags & JF_FLAG_ARRAYS_LEAF))
        why = "maxDepth or arrays: leaf keeps the split array whole";
    if (why) jf_set_error(error, JF_INVALID_OPTION, NULL, 0, 0, "%s", why);
    return !why;
}

JF_API int32_t jf_doc_stream_descend_at(jf_doc_stream *stream, const uint64_t *opens, size_t count, jf_error *error) {
    jf_error scratch;
    if (!error) error = &scratch;
    memset(error, 0, sizeof(*error));
    if (!stream || !opens) {
        jf_set_error(error, JF_INVALID_OPTION, NULL, 0, 0, "invalid input: NULL stream or offsets");
        return false;
    }
    if (!split_allowed(stream, count, error)) return false;
    memcpy(stream->forced, opens, count * sizeof(*opens));
    stream->forced_count = count;
    stream->split_depth = count;
    return true;
}

/* A frame key: member name `name` as a document of its own (frames own their keys). */
static yyjson_doc *key_document(yyjson_val *name) {
    size_t n = 0;
    char *text = yyjson_val_write_opts(name, 0, &jf_yyjson_alc, &n, NULL);
    if (!text) return NULL;
    yyjson_doc *doc = yyjson_read_opts(text, n, 0, &jf_yyjson_alc, NULL);
    jf_yyjson_alc.free(jf_yyjson_alc.ctx, text);
    return doc;
}

/* Opens the spine down to the array at `keys` (member names under the root). */
static bool enter_path(jf_doc_stream *s, yyjson_val *keys) {
    size_t count = yyjson_arr_size(keys);
    for (size_t i = 0; i <= count; i++) {
        if (!push_spine(s, i < count)) return false;
        if (i == count) break;
        s->key = key_document(yyjson_arr_get(keys, i));
        if (!s->key) {
            fail_out_of_memory(s);
            return false;
        }
        jf_flattener_member(s->fl, yyjson_doc_get_root(s->key));
    }
    return true;
}

JF_API int32_t jf_doc_stream_resume(jf_doc_stream *stream, const uint8_t *path_json, size_t path_length,
                                 uint64_t first_index, uint64_t offset, uint64_t line, uint64_t column,
                                 jf_error *error) {
    jf_error scratch;
    if (!error) error = &scratch;
    memset(error, 0, sizeof(*error));
    if (!stream || !path_json || first_index == 0 || line == 0 || column == 0) {
        jf_set_error(error, JF_INVALID_OPTION, NULL, 0, 0, "invalid input: NULL stream or path, or index, line or column 0");
        return false;
    }
    yyjson_doc *path = yyjson_read((const char *)path_json, path_length, 0);
    yyjson_val *keys = yyjson_doc_get_root(path);
    bool names = yyjson_is_arr(keys);
    size_t i, n;
    yyjson_val *key;
    yyjson_arr_foreach(keys, i, n, key) names = names && yyjson_is_str(key);
    if (!names) {
        yyjson_doc_free(path);
        jf_set_error(error, JF_INVALID_OPTION, NULL, 0, 0, "a split path is a JSON array of member names");
        return false;
    }
    size_t containers = yyjson_arr_size(keys) + 1;
    if (!split_allowed(stream, containers, error) || containers > stream->cfg.max_nesting) {
        if (!error->code)
            jf_set_error(error, JF_INVALID_OPTION, NULL, 0, 0, "the split array is nested deeper than maxNesting");
        yyjson_doc_free(path);
        return false;
    }
    jf_flattener_begin(stream->fl, &stream->out);
    stream->out.len = 0; /* the opening bracket is the first range's */
    stream->started = stream->bom_checked = true;
    bool entered = enter_path(stream, keys);
    yyjson_doc_free(path);
    if (!entered) {
        *error = stream->error;
        return false;
    }
    jf_flattener_resume(stream->fl, first_index, 1);
    stream->leaves_before = 1;
    stream->split_depth = containers;
    stream->state = ST_AFTER; /* at the comma after element first_index - 1 */
    stream->base = offset;
    stream->line = line;
    stream->column = column;
    return true;
}

JF_API const uint8_t *jf_doc_stream_pause(jf_doc_stream *stream, jf_result *result) {
    if (!stream || !stream_begin_call(stream, result)) return NULL;
    if (!stream->failed && !stream->split_depth) {
        stream->failed = true;
        jf_set_error(&stream->error, JF_INVALID_OPTION, NULL, 0, 0, "only a range of a split document pauses");
    }
    if (!stream->failed) {
        stream->wait_until = 0;
        stream->pausing = true;
        scan(stream, true);
        stream->pausing = false;
        if (!stream->failed && !between_elements(stream)) fail_at_fault(stream);
    }
    return hand_over(stream, result);
}

JF_API void jf_doc_stream_free(jf_doc_stream *stream) {
    if (!stream) return;
    for (size_t i = 0; i < stream->depth; i++) yyjson_doc_free(stream->frames[i].key);
    yyjson_doc_free(stream->key);
    yyjson_doc_free(stream->empty_array);
    yyjson_doc_free(stream->empty_object);
    jf_free(stream->frames);
    jf_free(stream->probe.open);
    jf_flattener_free(stream->fl);
    jf_buf_release(&stream->in);
    jf_buf_release(&stream->out);
    jf_buf_release(&stream->scratch);
    jf_free(stream->pool);
    jf_free(stream);
}
