"""Should web pages go through trafilatura (main-content extraction) before cleanse? A measurement.

Issue 20 asks whether extracting the main content first helps or hurts on pages whose ads sit
*inside* the content. This script builds article pages the way document-sharing sites lay
them out — site navigation, the article (title, a stamp above the text, sample paragraphs, a
stamp below it), a sidebar of related documents, a copyright footer — and cleans each page
two ways:

The stamps are the benchmark corpus' real ones (``bench/corpus.py``): one above the text, one
between two of its paragraphs, one below it.

- **cleanse alone**: cleanse's reader (every block's text) then the cleaning stages;
- **trafilatura first**: ``trafilatura.extract`` then the same cleaning of its text.

It counts the body paragraphs kept whole, the stamps left, and the chrome lines left.

    pip install trafilatura lxml_html_clean && PYTHONPATH=src python bench/trafilatura_probe.py

trafilatura is not a dependency of cleanse; without it the script says so and exits 2.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

import documents_gen as gen  # noqa: E402
from cleanse import Cleaner, readers  # noqa: E402

NAV = ["首页", "文库", "课件", "试题", "登录", "注册"]
RELATED = ["热门文档：2024年党建工作总结", "相关推荐：述职报告范文", "猜你喜欢：学习心得体会"]
INSIDE = [
    "现在订阅立享前3年的所有权益和资料",
    "【打击倒卖活动】举报倒卖会员资料的人，举报成功免费赠送一年会员材料！",
    "更多资料请关注公众号",
    "会员群：                      免费QQ群：",
]
FOOT = "版权所有 © 2024 某某文库 京ICP备12345678号"


def page(rng: random.Random) -> tuple[bytes, list[str], list[str], list[str]]:
    """One page; its body paragraphs, its stamps, its chrome lines."""
    paras = gen.body(rng, rng.randint(3, 6))
    top, bottom = rng.choice(corpus.HEADERS).split("\n")[0], rng.choice(corpus.FOOTERS)
    inside = rng.choice(INSIDE)  # an ad between two paragraphs of the text
    chrome = [" | ".join(NAV), *RELATED, FOOT]
    at = rng.randint(1, len(paras) - 1)
    article = "".join(f"<p>{p}</p>" for p in [*paras[:at], inside, *paras[at:]])
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>讲话稿 - 某某文库</title></head><body>"
        f"<div class='header'>{' | '.join(NAV)}</div>"
        f"<div class='article'><h1>在全市工作会议上的讲话</h1><p>{top}</p>{article}<p>{bottom}</p></div>"
        f"<div class='sidebar'><ul>{''.join(f'<li>{r}</li>' for r in RELATED)}</ul></div>"
        f"<div class='footer'>{FOOT}</div></body></html>"
    )
    return html.encode("utf-8"), paras, [top, inside, bottom], chrome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args(argv)
    try:
        import trafilatura
    except ImportError:
        print("trafilatura is not installed: pip install trafilatura lxml_html_clean")
        return 2
    cleaner = Cleaner()
    rng = random.Random(20)
    tally = {name: {"body": 0, "body kept": 0, "stamps": 0, "stamps left": 0, "chrome": 0, "chrome left": 0}
             for name in ("cleanse alone", "trafilatura first")}  # fmt: skip
    seconds = dict.fromkeys(tally, 0.0)
    for _ in range(args.pages):
        data, paras, stamps, chrome = page(rng)
        start = time.perf_counter()
        ours = readers.clean_extracted(
            cleaner, readers.read_document("p.html", data, max_bytes=1 << 30), "p", 0
        )
        seconds["cleanse alone"] += time.perf_counter() - start
        start = time.perf_counter()
        theirs = cleaner.clean(trafilatura.extract(data.decode("utf-8"), favor_recall=False) or "")
        seconds["trafilatura first"] += time.perf_counter() - start
        for name, doc in (("cleanse alone", ours), ("trafilatura first", theirs)):
            lines = set(doc.text.splitlines())
            counts = tally[name]
            expected = [cleaner.clean(p).text.strip() for p in paras]
            counts["body"] += len(expected)
            counts["body kept"] += sum(p in lines for p in expected)
            counts["stamps"] += len(stamps)
            counts["stamps left"] += sum(any(s in line for line in lines) for s in stamps)
            counts["chrome"] += len(chrome)
            counts["chrome left"] += sum(c in lines for c in chrome)
    print(
        f"{platform.node()} Python {platform.python_version()} trafilatura {trafilatura.__version__} "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.pages} pages"
    )
    print(
        "| | body paragraphs kept | stamps left | chrome lines left | ms per page |\n|---|---:|---:|---:|---:|"
    )
    for name, c in tally.items():
        print(
            f"| {name} | {c['body kept']}/{c['body']} | {c['stamps left']}/{c['stamps']} | "
            f"{c['chrome left']}/{c['chrome']} | {seconds[name] / args.pages * 1e3:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
