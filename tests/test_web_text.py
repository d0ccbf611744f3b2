"""Property: a web page's reader loses no text a browser shows and shows none it hides.

Hypothesis builds pages of valid nesting — sections, lists, tables (with tables in cells),
paragraphs of inline elements and line breaks, ``<pre>`` — with a unique token in every text
node, and puts tokens where a browser shows nothing: scripts, styles, ``<noscript>``,
``<template>``, SVG, comments, the ``<head>``, and inline copy-poisoning junk (Discuz's
``<font class="jammer">``, ``<span style="display:none">``). Every shown token must come out
once; no hidden one may. A hidden block (collapsed text a script expands) counts as shown.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("lxml")

import documents_gen as gen
from cleanse.readers.web import page_lines

EXAMPLES = int(os.environ.get("CLEANSE_PROPERTY_EXAMPLES", "150"))


HIDDEN = ("script", "style", "noscript", "template", "svg", "comment", "jammer", "span-none", "hidden-attr")
phrasing = st.lists(st.sampled_from(["text", "span", "b", "a", "br", *HIDDEN]), min_size=1, max_size=5)


def extend(flows: st.SearchStrategy) -> st.SearchStrategy:
    children = st.lists(flows, min_size=1, max_size=3)
    return st.one_of(
        st.tuples(st.sampled_from(["div", "section", "blockquote", "footer", "collapsed"]), children),
        st.tuples(st.just("ul"), children),
        st.tuples(
            st.just("table"), st.lists(st.lists(children, min_size=1, max_size=3), min_size=1, max_size=3)
        ),
    )


flow = st.recursive(st.tuples(st.sampled_from(["p", "pre", "h2", "bare"]), phrasing), extend, max_leaves=12)


def render_phrasing(items: list[str], tokens: gen.Tokens) -> str:
    out = []
    for item in items:
        if item == "text":
            out.append(tokens.text())
        elif item == "br":
            out.append("<br>")
        elif item == "comment":
            out.append(f"<!-- {tokens.text(False)} -->")
        elif item == "svg":
            out.append(f"<svg><text>{tokens.text(False)}</text></svg>")
        elif item in ("script", "style", "noscript", "template"):
            out.append(f"<{item}>{tokens.text(False)}</{item}>")
        elif item == "jammer":  # Discuz's copy-poisoning junk
            out.append(f'<font class="jammer">{tokens.text(False)}</font>')
        elif item == "span-none":
            out.append(f'<span style="display: none">{tokens.text(False)}</span>')
        elif item == "hidden-attr":
            out.append(f"<b hidden>{tokens.text(False)}</b>")
        else:
            out.append(f"<{item}>{tokens.text()}</{item}>")
    return " ".join(out)


def render(node: tuple, tokens: gen.Tokens) -> str:
    kind, children = node
    if kind == "bare":
        return render_phrasing(children, tokens)
    if kind in ("p", "pre", "h2"):
        return f"<{kind}>{render_phrasing(children, tokens)}</{kind}>"
    if kind == "ul":
        return "<ul>" + "".join(f"<li>{render(c, tokens)}</li>" for c in children) + "</ul>"
    if kind == "table":
        rows = "".join(
            "<tr>"
            + "".join("<td>" + "".join(render(c, tokens) for c in cell) + "</td>" for cell in row)
            + "</tr>"
            for row in children
        )
        return f"<table>{rows}</table>"
    if kind == "collapsed":  # a hidden block: text a script shows ("展开全文"), kept
        return '<div style="display:none">' + "".join(render(c, tokens) for c in children) + "</div>"
    return f"<{kind}>" + "".join(render(c, tokens) for c in children) + f"</{kind}>"


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(flow, min_size=1, max_size=4))
def test_every_shown_text_comes_out_once_and_no_hidden_one(body: list) -> None:
    tokens = gen.Tokens()
    head = f"<head><title>{tokens.text(False)}</title><style>{tokens.text(False)}</style></head>"
    page = (
        f"<!DOCTYPE html><html>{head}<body>" + "\n".join(render(n, tokens) for n in body) + "</body></html>"
    )
    lines, where = page_lines(page)
    assert len(lines) == len(where)
    text = "\n".join(lines)
    assert not tokens.lost_or_doubled(text), f"lost or doubled {tokens.lost_or_doubled(text)} from {page}"
    assert not tokens.leaked(text), f"showed hidden {tokens.leaked(text)} from {page}"
