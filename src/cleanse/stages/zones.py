"""Which lines of a document go, and why: zones, blocks and runs of ad lines.

Input: the lines and, for each, the ``drop-line`` rules that hit it (see
:func:`cleanse.stages.boilerplate_matchers.line_hits`). Output: ``{line index: rule id or block
reason}``. Pure functions, no regular expressions: the reasoning of the boilerplate stage
(see its module docstring) lives here so that it can be read and tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..rules import Rule
from .blocks import (
    blocks,
    body_bounds,
    body_evidence,
    content,
    content_evidence,
    is_brand_like,
    is_contact_line,
    is_label_value,
    is_title_like,
    protect_title,
)

LONG_LINE = 40
MAX_BLOCK_LINES = 15
SEPARATOR = "separator"
_ALLOWED = {
    "head": frozenset({"head", "edges", "anywhere"}),
    "tail": frozenset({"tail", "edges", "anywhere"}),
    "edges": frozenset({"head", "tail", "edges", "anywhere"}),
    "body": frozenset({"anywhere"}),
}

Hits = tuple[Rule, ...]


def strong_hit(hits: Hits, region: str) -> Rule | None:
    """The first strong, non-separator rule among ``hits`` that may act in ``region``."""
    allowed = _ALLOWED[region]
    return next(
        (r for r in hits if r.strength == "strong" and r.category != SEPARATOR and r.zone in allowed), None
    )


def any_hit(hits: Hits, region: str) -> Rule | None:
    """The first non-separator rule (strong or weak) among ``hits`` that may act in ``region``."""
    allowed = _ALLOWED[region]
    return next((r for r in hits if r.category != SEPARATOR and r.zone in allowed), None)


def is_separator(hits: Hits) -> bool:
    """A decoration line (a rule with ``category = "separator"`` hit it)."""
    return any(r.category == SEPARATOR for r in hits)


# -- the plan: which lines go, and why -----------------------------------------------------------


def _region(i: int, first: int, last: int) -> str:
    head, tail = i < first, i > last
    return "edges" if head and tail else "head" if head else "tail" if tail else "body"


@dataclass
class _Plan:
    """The document's shape plus the removals decided so far (index -> rule id).

    Each line's region, strong rule and evidence depend only on the shape, so they are
    worked out once here: the block and run logic asks for them many times per line.
    """

    lines: Sequence[str]
    hits: Sequence[Hits]
    first: int
    last: int
    drops: dict[int, str]
    sizes: Sequence[int]
    regions: list[str] = field(init=False)
    strongs: list[Rule | None] = field(init=False)
    evidences: list[Rule | None] = field(init=False)

    separators: list[bool] = field(init=False)

    def __post_init__(self) -> None:
        first, last, n = self.first, self.last, len(self.lines)
        if first <= last:  # a body: head, body and tail lines follow each other
            self.regions = ["head"] * first + ["body"] * (last - first + 1) + ["tail"] * (n - last - 1)
        else:
            self.regions = [_region(i, first, last) for i in range(n)]
        pairs = list(zip(self.hits, self.regions, strict=True))
        self.strongs = [strong_hit(h, r) if h else None for h, r in pairs]
        self.evidences = [any_hit(h, r) if h else None for h, r in pairs]
        self.separators = [bool(h) and is_separator(h) for h in self.hits]

    def region(self, i: int) -> str:
        return self.regions[i]

    def strong(self, i: int) -> Rule | None:
        return self.strongs[i]

    def evidence(self, i: int) -> Rule | None:
        return self.evidences[i]

    def drop(self, indexes: Sequence[int], trigger: Rule) -> None:
        """Remove lines; each names its own strong rule, or the block reason."""
        reason = f"block:{self.region(indexes[0])}:{trigger.id}"
        for i in indexes:
            own = self.strong(i)
            self.drops[i] = own.id if own else reason


def _not_a_title(line: str, hits: Hits) -> bool:
    """A strong hit or a separator rules a title out; weak evidence only for a short line.

    图书馆文库建设方案 is a title despite its weak 文库; 墨香文库 is a site name.
    """
    if strong_hit(hits, "edges") is not None or is_separator(hits):
        return True
    return any_hit(hits, "edges") is not None and not is_title_like(line)


def reads_as_body(line: str, hits: Hits, text: str | None = None) -> bool:
    """Body-like by shape, and no strong hit or separator says otherwise.

    Weak evidence overrules only the weakest shape (a comma-bearing line without a sentence
    end, such as the slogan 专注公文写作十年，为您提供海量优质范文). ``text``: the line's
    :func:`~.blocks.content`, when the caller has it already.
    """
    why = body_evidence(line) if text is None else content_evidence(text)
    if why is None:
        return False
    if not hits:
        return True
    if strong_hit(hits, "edges") is not None or is_separator(hits):
        return False
    return why != "clause" or any_hit(hits, "edges") is None


def _shape(
    lines: Sequence[str],
    hits: Sequence[Hits],
    known: Sequence[bool | None] | None = None,
    texts: Sequence[str] | None = None,
) -> tuple[int, int]:
    """First and last body line: body-like by shape, not overruled by a strong hit.

    ``known``: :func:`reads_as_body` of the lines the caller judged already (None elsewhere);
    ``texts``: each line's :func:`~.blocks.content`.
    """
    n = len(lines)
    known = [None] * n if known is None else known
    texts = [content(line) for line in lines] if texts is None else texts
    body = [
        reads_as_body(lines[i], hits[i], texts[i]) if known[i] is None else bool(known[i]) for i in range(n)
    ]
    protect_title(lines, body, lambda i: _not_a_title(lines[i], hits[i]))
    return body_bounds(body)


def _removable(plan: _Plan, idx: list[int]) -> bool:
    """Short enough to be an ad block, and no long line without its own rule."""
    if len(idx) > MAX_BLOCK_LINES:
        return False
    return all(plan.sizes[i] <= LONG_LINE or plan.strong(i) is not None for i in idx)


def _strong_block(plan: _Plan, idx: list[int], trigger: Rule) -> None:
    """A head/tail block with a strong hit: removed whole, unless it also holds content.

    A contact line of the document itself (联系人：张三) next to a seller's stamp is content;
    in such a block only the run of ad lines goes (see :func:`_ad_run`). So it is in a
    document without any body line (a table, a list) unless every other line is brand-like:
    there no body anchors the zones, and a row such as ``办公费  100万`` must not go.
    """
    plain = [i for i in idx if plan.evidence(i) is None]
    content = any(is_label_value(plan.lines[i]) for i in plain)
    if plan.region(idx[0]) == "edges":
        content = content or not all(is_brand_like(plan.lines[i]) for i in plain)
    if content:
        _ad_run(plan, idx)
    elif _removable(plan, idx):
        plan.drop(idx, trigger)


def _nearest_to_body(plan: _Plan, blocks_: list[list[int]]) -> set[int]:
    """The head block just above the body and the tail block just below it.

    Lines in them may be the document's own (a short title such as 第一部分 above or below
    the seller's stamp), which no shape can tell from a platform name. So in these two blocks
    only the run of ad lines goes (see :func:`_ad_run`).
    """
    head = [k for k, idx in enumerate(blocks_) if plan.region(idx[0]) == "head"]
    tail = [k for k, idx in enumerate(blocks_) if plan.region(idx[0]) == "tail"]
    return set(head[-1:] + tail[:1])


def _weak_block_removable(plan: _Plan, idx: list[int]) -> bool:
    """Weak evidence somewhere, and every line without evidence is brand-like (short, plain)."""
    if not any(plan.evidence(i) for i in idx) or len(idx) > MAX_BLOCK_LINES:
        return False
    return all(plan.evidence(i) is not None or is_brand_like(plan.lines[i]) for i in idx)


def _zone_blocks(plan: _Plan, spans: list[tuple[int, int]]) -> None:
    """Blocks wholly in the head or tail.

    A block holding a strong rule hit is removed whole, except the block touching the body (see
    :func:`_nearest_to_body`); where only scores hit, the lines with evidence go
    (:func:`_ad_run`). Then a block with only weak evidence (a slogan, a site name)
    goes too when its neighbouring block in the same zone went: the seller's banner often
    sits in a block of its own next to the ad lines.
    """
    blocks_ = [list(range(s, e + 1)) for s, e in spans]
    nearest = _nearest_to_body(plan, blocks_)
    triggers: list[Rule | None] = []
    for k, idx in enumerate(blocks_):
        strongs = plan.strongs[idx[0] : idx[-1] + 1]
        trigger = next((r for r in strongs if r is not None), None)
        if trigger is not None and all(r is None or r.action == "score" for r in strongs):
            # scores alone: the lines from the first to the last with evidence go (strong or
            # weak), not the rest of the block: a block of high-scoring lines goes whole, a
            # man page's NAME next to one scored line stays
            _ad_run(plan, idx, reach=False)
        elif trigger is not None and k in nearest:
            _ad_run(plan, idx)
        elif trigger is not None:
            _strong_block(plan, idx, trigger)
        triggers.append(trigger if trigger is not None and all(i in plan.drops for i in idx) else None)
    if not any(triggers):
        return  # a weak block goes only next to a block that went whole
    order = list(range(len(blocks_)))
    changed = True
    while changed:  # forward and backward, so a chain of weak blocks goes in one round
        changed = False
        for k in order + order[::-1]:
            idx = blocks_[k]
            if triggers[k] is not None or any(i in plan.drops for i in idx):
                continue
            near = [j for j in (k - 1, k + 1) if 0 <= j < len(blocks_) and triggers[j] is not None]
            near = [j for j in near if plan.region(blocks_[j][0]) == plan.region(idx[0])]
            if near and _weak_block_removable(plan, idx):
                triggers[k] = trigger = triggers[near[0]]
                plan.drop(idx, trigger)  # type: ignore[arg-type]
                changed = True


def _ad_run(plan: _Plan, idx: list[int], *, reach: bool = True) -> None:
    """Lines next to the body or to content (in document order): only the run of ads goes.

    The run spans from the first to the last line with evidence, so a platform name between
    two ad lines goes with them, and it must hold a strong hit. Sellers add their lines
    around a document, so the run also reaches outward, to the document edge side of the
    block: above the body over brand-like lines (a platform name on the first line), below
    it over anything but a ``label：value`` line (the article list under 往期精彩; a notice's
    联系人：张三 stays). Lines between the run and the body stay: a short title written
    against the seller's stamp cannot be told from a platform name.

    ``reach=False`` (lines below the body in the body's own block, no blank line between):
    they continue the text (an ad written into it, then the text goes on: ``mkfs.ext4(8)
    创建新的 ext4 文件系统``), so the run does not reach past its last line with evidence.
    """
    # a weak score (a line that only looks promotional to the model) goes when it lies inside
    # the run, never as the run's end: a short title next to the body often scores so
    found = [k for k, i in enumerate(idx) if _bounds_run(plan.evidence(i))]
    if not found:
        return
    lo, hi = found[0], found[-1]
    region = plan.region(idx[0])
    if reach and region == "tail" and not any(is_label_value(plan.lines[i]) for i in idx[hi + 1 :]):
        hi = len(idx) - 1
    if reach and region == "head" and all(is_brand_like(plan.lines[i]) for i in idx[:lo]):
        lo = 0
    run = idx[lo : hi + 1]
    trigger = next((r for r in map(plan.strong, run) if r is not None), None)
    if trigger is None:
        return
    if any(plan.sizes[i] > LONG_LINE and plan.strong(i) is None for i in run):
        run = [i for i in run if plan.strong(i) is not None]
    plan.drop(run, trigger)


def _bounds_run(rule: Rule | None) -> bool:
    """Evidence that can end a run of ad lines: any but a weak score."""
    return rule is not None and not (rule.action == "score" and rule.strength == "weak")


def _separators(plan: _Plan) -> None:
    """Remove separators that frame removed lines, or that sit at the edge of the document."""
    n = len(plan.lines)

    def gone(j: int) -> bool:
        return j < 0 or j >= n or j in plan.drops

    def neighbour(i: int, step: int) -> int:
        j = i + step
        while 0 <= j < n and not plan.lines[j].strip():
            j += step
        return j

    seps = [i for i, sep in enumerate(plan.separators) if sep]
    changed = True
    while changed:  # forward and backward, so a run of separators goes in one round
        changed = False
        for i in seps + seps[::-1]:
            h = plan.hits[i]
            if i in plan.drops:
                continue
            if plan.region(i) == "body":
                framing = (i - 1 in plan.drops) or (i + 1 in plan.drops)
            else:
                framing = gone(neighbour(i, -1)) or gone(neighbour(i, 1))
            if framing:
                plan.drops[i] = next(r.id for r in h if r.category == SEPARATOR)
                changed = True


def _own_details(
    lines: Sequence[str], hits: Sequence[Hits], known: Sequence[bool | None] | None
) -> tuple[Sequence[Hits], Sequence[bool | None] | None]:
    """A notice's own contact lines are content: their hits are dropped.

    In a block that holds another contact line no rule calls an ad (班主任：李老师,
    联系人：王老师, scored or not), the document's contact details are around it: a contact line whose only
    evidence is a score, and one with a concrete value whose only evidence is a ``contact``
    rule (家长QQ群：123456789, 班主任微信：li2024), stay. A seller's block of such lines stays
    too (a small miss); an empty invitation (会员群：  免费QQ群：) and credit or rights lines
    (本文来源：…, 版权声明：…) still go.
    """
    out: list[Hits] | None = None
    for start, end in blocks(lines, lambda i: is_separator(hits[i])):
        idx = range(start, end + 1)
        anchors = {i for i in idx if is_contact_line(lines[i]) and all(r.action == "score" for r in hits[i])}
        if not anchors:
            continue
        for i in idx:
            if not hits[i] or not is_contact_line(lines[i]) or not anchors - {i}:
                continue
            scored = all(r.action == "score" for r in hits[i])
            contact = all(r.category == "contact" or r.action == "score" for r in hits[i])
            if scored or (contact and _is_detail(lines[i])):
                out = list(hits) if out is None else out
                out[i] = ()
    if out is None:
        return hits, known
    if known is None:
        return out, None
    return out, [k if out[i] == hits[i] else None for i, k in enumerate(known)]


def _is_detail(line: str) -> bool:
    """``label：value`` with a concrete value (letters or digits, not another empty label)."""
    text = content(line)
    value = text.split("：", 1)[-1] if "：" in text else text.split(":", 1)[-1]
    return bool(value) and value[-1] not in ":：" and any(c.isascii() and c.isalnum() for c in value)


def plan_line_drops(
    lines: Sequence[str],
    hits: Sequence[Hits],
    *,
    known_body: Sequence[bool | None] | None = None,
    texts: Sequence[str] | None = None,
) -> dict[int, str]:
    """Which lines to remove (0-based index -> rule id or block reason).

    ``known_body`` (:func:`reads_as_body` where the caller judged a line already, else None)
    and ``texts`` (each line's :func:`~.blocks.content`) only save work. A document without
    any hit loses nothing: every removal below starts from a hit.
    """
    if not any(hits):
        return {}
    texts = [content(line) for line in lines] if texts is None else texts
    hits, known_body = _own_details(lines, hits, known_body)
    first, last = _shape(lines, hits, known_body, texts)
    plan = _Plan(lines, hits, first, last, {}, [len(t) for t in texts])
    spans = blocks(lines, plan.separators.__getitem__)
    _zone_blocks(plan, [(s, e) for s, e in spans if e < first or s > last])
    for start, end in spans:
        if end < first or start > last:
            continue
        if start < first:
            _ad_run(plan, list(range(start, first)))
        if end > last:
            _ad_run(plan, list(range(last + 1, end + 1)), reach=False)
    for i, rule in enumerate(plan.strongs):
        if rule is not None and i not in plan.drops:
            plan.drops[i] = rule.id
    _separators(plan)
    return plan.drops
