"""Turning what people type into safe engine queries, and marking matches in snippets.

Nothing the user types reaches an engine's query syntax directly: input is cut to
``MAX_QUERY_CHARS``, split into word tokens (``\\w`` runs, with ``&`` kept inside acronyms such
as A&E), and the engine expressions are rebuilt from those tokens alone. So FTS5/tsquery syntax
characters and unbalanced quotes can never cause a syntax error.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
TOKEN_RE = re.compile(r"\w+(?:&\w+)*", re.UNICODE)
WORD_RE = re.compile(r"\w+", re.UNICODE)
SYNONYM_CACHE_KEY = "search:synonyms:v1"

_STOPWORD_TEXT = """a an and are as at be but by for from has have how i if in into is it its of on or our so such
that the their then there these they this to was we were what when where which who will with you"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; ``A&E`` stays one token (``a&e``)."""
    return [t.lower() for t in TOKEN_RE.findall(text or "")]


def words_of(token: str) -> list[str]:
    """The plain words an engine's tokenizer sees in a token (``a&e`` -> ``a``, ``e``)."""
    return WORD_RE.findall(token)


@dataclass(frozen=True)
class Clause:
    """One required part of the query: any one of its alternatives (phrases of tokens) must match."""

    alternatives: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> list[str]:
        return [w for alt in self.alternatives for tok in alt for w in words_of(tok)]


@dataclass
class ParsedQuery:
    """A query cut down to safe tokens, with synonym groups expanded into alternatives."""

    raw: str
    text: str
    clauses: list[Clause] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def all_words(self) -> list[str]:
        seen: dict[str, None] = {}
        for clause in self.clauses:
            for word in clause.words:
                seen.setdefault(word, None)
        return list(seen)


def synonym_groups() -> list[list[tuple[str, ...]]]:
    """Curated synonym sets as token tuples, cached until a curator edits one."""
    groups = cache.get(SYNONYM_CACHE_KEY)
    if groups is None:
        from search.models import SearchSynonym

        groups = []
        for synonym in SearchSynonym.objects.all():
            phrases = [tuple(tokens(term)) for term in synonym.term_list]
            phrases = [p for p in phrases if p]
            if len(phrases) > 1:
                groups.append(phrases)
        cache.set(SYNONYM_CACHE_KEY, groups, 3600)
    return groups


def clear_synonym_cache() -> None:
    cache.delete(SYNONYM_CACHE_KEY)


def _synonym_index(groups: list[list[tuple[str, ...]]]) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    index: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in groups:
        for phrase in group:
            # A phrase in two sets takes the union, so both directions always hold.
            merged = dict.fromkeys([*index.get(phrase, ()), *group])
            index[phrase] = tuple(merged)
    return index


def parse_query(raw: str, *, expand_synonyms: bool = True) -> ParsedQuery:
    """Parse user input into clauses. Quoted phrases (balanced quotes only) stay phrases;
    synonym phrases found in the rest become OR-groups; common English words are dropped
    unless nothing else is left."""
    text = (raw or "")[:MAX_QUERY_CHARS].strip()
    parsed = ParsedQuery(raw=raw or "", text=text)
    phrases: list[tuple[str, ...]] = []
    loose = text
    if text.count('"') >= 2:
        for quoted in re.findall(r'"([^"]*)"', text):
            phrase = tuple(tokens(quoted))
            if phrase:
                phrases.append(phrase)
        loose = re.sub(r'"[^"]*"', " ", text)
    loose_tokens = tokens(loose)
    index = _synonym_index(synonym_groups()) if expand_synonyms else {}
    longest = max((len(p) for p in index), default=1)
    clauses: list[Clause] = [Clause(alternatives=(p,)) for p in phrases]
    i = 0
    while i < len(loose_tokens):
        for size in range(min(longest, len(loose_tokens) - i), 0, -1):
            candidate = tuple(loose_tokens[i : i + size])
            if candidate in index:
                clauses.append(Clause(alternatives=index[candidate]))
                i += size
                break
        else:
            clauses.append(Clause(alternatives=((loose_tokens[i],),)))
            i += 1
    meaningful = [c for c in clauses if len(c.alternatives) > 1 or not all(t in STOPWORDS for t in c.alternatives[0])]
    parsed.clauses = (meaningful or clauses)[:MAX_TERMS]
    return parsed


# --- Highlighting (database backend; Elasticsearch highlights itself) ---------------------
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s")


@functools.lru_cache(maxsize=16384)
def crude_stem(word: str) -> str:
    # Cached: a results page stems every word of ten snippets, and the words repeat (a pure function).
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _matches(word: str, stems: set[str]) -> bool:
    stem = crude_stem(word)
    return stem in stems or any(len(s) >= 4 and stem.startswith(s) for s in stems)


def _match_flags(words: list[str], stems: set[str]) -> list[bool]:
    """Which words match a query stem. A word's crude stem is a prefix of the lower-cased word,
    so a word can only match if it starts with a query stem: one C-level ``startswith`` turns
    away almost every word before the stemming test (a results page highlights ten snippets of
    over a hundred words each, and this was a fifth of its time)."""
    if not stems:
        return [False] * len(words)
    prefixes = tuple(stems)
    seen: dict[str, bool] = {}
    flags = []
    for word in words:
        lowered = word.lower()
        flag = seen.get(lowered)
        if flag is None:
            flag = seen[lowered] = lowered.startswith(prefixes) and _matches(lowered, stems)
        flags.append(flag)
    return flags


def _densest_start(hits: list[int], span: int) -> int:
    """The first hit that starts the window of ``span`` words holding the most hits."""
    best, best_count, end = hits[0], 0, 0
    for n, h in enumerate(hits):
        end = max(end, n)
        while end < len(hits) and hits[end] < h + span:
            end += 1
        if end - n > best_count:
            best, best_count = h, end - n
    return best


def highlight(text: str, query_words: list[str], *, max_words: int = 32) -> SafeString:
    """A window of ``text`` around the densest run of matches, HTML-escaped, matches in <mark>.

    Escaping happens word by word before any markup is added, so user text can never inject HTML.
    """
    stems = {crude_stem(w) for w in query_words if w not in STOPWORDS or len(query_words) == 1}
    parts = re.split(r"(\w+)", text or "")
    # parts alternates separator, word, separator, word, ...
    words = parts[1::2]
    if not words:
        return mark_safe("")
    flags = _match_flags(words, stems)
    hits = [n for n, flag in enumerate(flags) if flag]
    start_word = max(0, _densest_start(hits, max_words) - 4) if hits else 0
    end_word = min(len(words), start_word + max_words)
    first_part = 2 * start_word + 1 if start_word > 0 else 0
    last_part = 2 * (end_word - 1) + 1 if end_word < len(words) else len(parts) - 1
    out: list[str] = ["… " if start_word > 0 else ""]
    plain = first_part  # start of the run of parts not yet written (escaped a run at a time)
    for i in range(first_part | 1, last_part + 1, 2):
        if flags[i // 2]:
            out.append(html.escape("".join(parts[plain:i])))
            out.append(f"<mark>{html.escape(parts[i])}</mark>")
            plain = i + 1
    out.append(html.escape("".join(parts[plain : last_part + 1])))
    if end_word < len(words):
        out.append(" …")
    return mark_safe("".join(out))  # noqa: S308 - every piece was escaped above
