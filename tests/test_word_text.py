"""Property: a .docx reader loses no text Word shows and shows none Word hides.

Hypothesis builds WordprocessingML bodies from the constructs real documents use — runs in
tracked insertions, hyperlinks, fields, smart tags and inline content controls; block content
controls; tables with nested tables; text boxes (in drawings, legacy shapes, and Word's
``mc:AlternateContent`` pair whose fallback repeats the choice) nested in each other — with a
unique token in every text run. Every token Word shows must come out; no token of deleted
text, field codes or a fallback copy may.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("docx")

import documents_gen as gen
from cleanse import readers

EXAMPLES = int(os.environ.get("CLEANSE_PROPERTY_EXAMPLES", "150"))


# A tree is built as nested tuples first, rendered with the token bookkeeping after, so that
# hypothesis shrinks structures, not strings.
WRAPPERS = ("ins", "del", "moveFrom", "hyperlink", "sdt", "fldSimple", "smartTag")
leaf_run = st.sampled_from(["t", "t-tab", "t-br", "deltext", "instr"])


def inlines(run: st.SearchStrategy) -> st.SearchStrategy:
    wrapped = st.tuples(st.sampled_from(WRAPPERS), st.lists(run, min_size=1, max_size=3))
    return st.lists(st.one_of(run, wrapped), max_size=4)


def extend(blocks: st.SearchStrategy) -> st.SearchStrategy:
    """Blocks holding blocks: content controls, tables (cells of blocks), and paragraphs
    with text boxes (a drawing, a legacy shape, or Word's choice/fallback pair)."""
    boxed = st.one_of(
        leaf_run,
        st.tuples(st.sampled_from(["drawing", "pict", "alt"]), st.lists(blocks, min_size=1, max_size=2)),
    )
    cells = st.lists(
        st.lists(st.lists(blocks, min_size=1, max_size=2), min_size=1, max_size=2), min_size=1, max_size=2
    )
    return st.one_of(
        st.tuples(st.just("p"), inlines(boxed)),
        st.tuples(st.just("sdtblock"), st.lists(blocks, min_size=1, max_size=2)),
        st.tuples(st.just("tbl"), cells),
    )


block = st.recursive(st.tuples(st.just("p"), inlines(leaf_run)), extend, max_leaves=10)


def render_blocks(blocks: list, tokens: gen.Tokens, shown: bool) -> str:
    return "".join(render_block(b, tokens, shown) for b in blocks)


def render_block(node: tuple, tokens: gen.Tokens, shown: bool) -> str:
    kind, children = node
    if kind == "p":
        return "<w:p>" + "".join(render_inline(i, tokens, shown) for i in children) + "</w:p>"
    if kind == "sdtblock":
        inner = render_blocks(children, tokens, shown)
        return f"<w:sdt><w:sdtPr><w:alias w:val='x'/></w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    rows = "".join(
        "<w:tr>"
        + "".join(f"<w:tc>{render_blocks(cell, tokens, shown)}<w:p/></w:tc>" for cell in row)
        + "</w:tr>"
        for row in children
    )
    return f"<w:tbl>{rows}</w:tbl>"


def render_inline(node: str | tuple, tokens: gen.Tokens, shown: bool) -> str:
    if isinstance(node, tuple) and node[0] in WRAPPERS:
        kind, runs = node
        visible = shown and kind not in ("del", "moveFrom")
        inner = "".join(render_run(r, tokens, visible) for r in runs)
        if kind == "sdt":
            return f"<w:sdt><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
        if kind == "fldSimple":
            return f"<w:fldSimple w:instr='DATE'>{inner}</w:fldSimple>"
        if kind == "smartTag":
            return f"<w:smartTag w:element='place'>{inner}</w:smartTag>"
        if kind == "hyperlink":
            return f"<w:hyperlink w:anchor='a'>{inner}</w:hyperlink>"
        return f"<w:{kind} w:id='1' w:author='a'>{inner}</w:{kind}>"
    return render_run(node, tokens, shown)


def render_run(node: str | tuple, tokens: gen.Tokens, shown: bool) -> str:
    if node == "t":
        return f"<w:r><w:t>{tokens.text(shown)}</w:t></w:r>"
    if node == "t-tab":
        return f"<w:r><w:t>{tokens.text(shown)}</w:t><w:tab/><w:t>{tokens.text(shown)}</w:t></w:r>"
    if node == "t-br":
        return f"<w:r><w:t>{tokens.text(shown)}</w:t><w:br/><w:t>{tokens.text(shown)}</w:t></w:r>"
    if node == "deltext":
        return f"<w:r><w:delText>{tokens.text(False)}</w:delText></w:r>"
    if node == "instr":
        return f"<w:r><w:instrText>{tokens.text(False)}</w:instrText></w:r>"
    kind, blocks = node
    if kind == "alt":  # Word's pair: the drawing, and the same content again for old readers
        choice = BOXES["drawing"].format(render_blocks(blocks, tokens, shown))
        fallback = BOXES["pict"].format(render_blocks(blocks, tokens, False))
        return (
            f"<w:r><mc:AlternateContent><mc:Choice Requires='wps'>{choice}</mc:Choice>"
            f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r>"
        )
    return "<w:r>" + BOXES[kind].format(render_blocks(blocks, tokens, shown)) + "</w:r>"


BOXES = {
    "drawing": "<w:drawing><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></w:drawing>",
    "pict": "<w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict>",
}


@settings(max_examples=EXAMPLES // 3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(block, min_size=1, max_size=4))
def test_every_shown_run_comes_out_and_no_hidden_one(body: list) -> None:
    tokens = gen.Tokens()
    xml = render_blocks(body, tokens, True)
    got = readers.read_document("a.docx", gen.docx_xml_bytes(xml), max_bytes=1 << 30)
    assert got is not None
    text = "\n".join(got.lines)
    assert not tokens.lost_or_doubled(text), f"lost or doubled {tokens.lost_or_doubled(text)} from {xml}"
    assert not tokens.leaked(text), f"showed hidden {tokens.leaked(text)} from {xml}"
