"""Fitting text to a width without breaking words: measuring, filling lines, planning table columns.

Pure Python (no Rich): piped plain text uses it without importing Rich, and the terminal renderer
asks it for the same decisions, so both lay a document out alike. The rules:

- a word, date, number, key or URL is never split across lines;
- a URL longer than the room left stands alone on its own line, whole, even past the width (a
  terminal wraps it softly, so it stays one string to click or copy);
- any other word longer than a whole line is folded: the last resort.
"""

from __future__ import annotations

Span = tuple[str, str]  # text, role ("" plain; "url", "ref", "label", "title", ... for styling)
Line = list[Span]

URL = "url"
GLUED = "ref"  # footnote marks: one after another without a space, and a line may break between them
SHORT = 16  # a column this wide or narrower is never wrapped (dates, numbers, models, short keys)
READABLE = 20  # the narrowest a column of prose may become (or half its widest cell) before records


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes (East Asian wide characters take two, marks none)."""
    if text.isascii():
        return len(text)
    import re
    import unicodedata

    width = len(text)
    for char in re.findall(r"[^\x00-\x7f]", text):  # look only at the few characters that may differ
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            width -= 1
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1
    return width


def is_url(word: str) -> bool:
    return "://" in word and word[:8].lower().startswith(("http://", "https://"))


def words(text: str, role: str = "") -> list[Span]:
    """``text`` as words; web addresses get the role ``url`` so they are never broken."""
    return [(w, URL if is_url(w) else role) for w in text.split()]


def longest_word(text: str) -> int:
    """The widest piece ``flow`` cannot break; footnote marks ``[1][2]`` may break between marks."""
    return max((cells(w) for w in text.replace("][", "] [").split()), default=0)


def line_width(line: Line) -> int:
    return sum(cells(text) for text, _ in line)


def _fold(word: str, room: int) -> list[str]:
    """A word too long for any line, cut into pieces of at most ``room`` cells (the last resort)."""
    pieces, piece, used = [], "", 0
    for char in word:
        w = cells(char)
        if piece and used + w > room:
            pieces.append(piece)
            piece, used = "", 0
        piece += char
        used += w
    return [*pieces, piece] if piece else pieces


def flow(items: list[Span], width: int, first: Line | None = None, indent: int = 0) -> list[Line]:
    """Fill ``items`` (words) into lines of at most ``width`` cells.

    The first line starts with ``first`` (a bullet, a label), the others with ``indent`` spaces.
    """
    lines: list[Line] = []
    line: Line = list(first or [])
    used = line_width(line)
    content = any(text.strip() for text, _ in line)  # anything but indentation on the line yet
    has_words = False
    pad: Line = [(" " * indent, "")] if indent else []

    def new_line() -> None:
        nonlocal line, used, has_words, content
        lines.append(line)
        line, used, has_words, content = list(pad), indent, False, False

    previous = ""
    for text, role in items:
        w = len(text) if text.isascii() else cells(text)
        gap = 1 if has_words and not (role == previous == GLUED) else 0
        previous = role
        if used + gap + w > width and content:
            new_line()
            gap = 0
        if role == URL and not content and used + w > width >= w:
            line, used = [], 0  # an address that fits the width only without the indent: give it the whole line
        if used + gap + w <= width or role == URL:
            if gap:
                line.append((" ", ""))
            line.append((text, role))
            used += gap + w
            has_words = content = True
            if used > width:  # a URL longer than the line: alone, whole
                new_line()
            continue
        for n, piece in enumerate(_fold(text, max(1, width - used))):
            if n:
                new_line()
            line.append((piece, role))
            used += cells(piece)
            has_words = content = True
    if content:
        lines.append(line)
    return [_rstrip(_merge(line)) for line in lines]


def _merge(line: Line) -> Line:
    """Neighbouring spans of one role as one (fewer pieces to style); a URL stays its own span."""
    out: Line = []
    run: list[str] = []
    role = None
    for text, kind in line:
        if kind == role and kind != URL:
            run.append(text)
            continue
        if run and role is not None:
            out.append(("".join(run), role))
        run, role = [text], kind
    if run and role is not None:
        out.append(("".join(run), role))
    return out


def _rstrip(line: Line) -> Line:
    while line and not line[-1][0].strip():
        line = line[:-1]
    if line and line[-1][0] != line[-1][0].rstrip():
        line = [*line[:-1], (line[-1][0].rstrip(), line[-1][1])]
    return line


def plan_columns(header: list[str], rows: list[list[str]], width: int, gap: int) -> list[int] | None:
    """Column widths that fit ``width`` without breaking a word, or None when there are none.

    Short columns (dates, numbers, keys) keep their whole width; prose may wrap, but not below
    ``READABLE`` cells or its longest word. Space left over goes to the columns that want it,
    in equal shares, so short columns reach one line first.
    """
    n = len(header)
    if n == 0:
        return []
    natural = [cells(h) for h in header]
    longest = [longest_word(h) for h in header]
    for row in rows:
        for i, text in enumerate(row[:n]):
            natural[i] = max(natural[i], cells(text))
            longest[i] = max(longest[i], longest_word(text))
    minimum = [
        nat if nat <= SHORT else max(long, min(READABLE, nat // 2)) for nat, long in zip(natural, longest, strict=True)
    ]
    spare = width - gap * (n - 1) - sum(minimum)
    if spare < 0:
        return None
    widths = list(minimum)
    spare = _fill(widths, [min(nat, LABEL) for nat in natural], spare)  # names and labels first, on one line
    desire = [nat - w for nat, w in zip(natural, widths, strict=True)]
    wanted = sum(desire)
    if spare and wanted:  # then prose, in proportion to how much more it has to say
        gifts = [min(d, spare * d // wanted) for d in desire]
        for i, gift in enumerate(gifts):
            widths[i] += gift
        _fill(widths, natural, spare - sum(gifts))
    return widths


LABEL = 30  # columns up to this wide are filled first: a name on one line saves more lines than prose gains


def _fill(widths: list[int], targets: list[int], spare: int) -> int:
    """Raise ``widths`` towards ``targets`` in equal shares; the space left over."""
    while spare > 0:
        hungry = [i for i, (w, t) in enumerate(zip(widths, targets, strict=True)) if w < t]
        if not hungry:
            break
        share = max(1, spare // len(hungry))
        for i in hungry:
            give = min(share, targets[i] - widths[i], spare)
            widths[i] += give
            spare -= give
            if not spare:
                break
    return spare


def natural_widths(header: list[str], rows: list[list[str]]) -> list[int]:
    """Each column's widest cell: the widths of a table whose rows stay on one line."""
    widths = [cells(h) for h in header]
    for row in rows:
        for i, text in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], cells(text))
    return widths
