"""Template learning: slots, alignment, refusals, and learning on generated multi-site folders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse.cli import main
from cleanse.corpus_count import _TEMPLATE_RECORD, VARIANTS, _merge_record, _new_template_record
from cleanse.corpus_rules import hard_negatives
from cleanse.corpus_templates import (
    FREE,
    NAME,
    NUM,
    URL,
    build_template,
    has_slot,
    line_skeleton,
    skeleton,
    template_keys,
    tokens,
)
from cleanse.rules import compile_pattern
from sites_gen import SITES, make_corpus, write_corpus

ROOT = Path(__file__).resolve().parents[1]

# The issue's five stamps, each with the variants a folder shows and one it never showed.
ISSUE_STAMPS = [
    (
        [
            "本材料已收录于知识星球「机关文稿」，严禁二次转载",
            "本材料已收录于知识星球「材料君」，严禁二次转载",
        ],
        "本材料已收录于知识星球「公文写作库」，严禁二次转载",
    ),
    (
        [
            "【第一材料网】专注公文写作7年，累计服务156万用户",
            "【青藤文档】专注公文写作5年，累计服务204万用户",
        ],
        "【笔杆子】专注公文写作12年，累计服务1024万用户",
    ),
    (
        ["—— 本资料由学习资料圈会员群首发，严禁倒卖 ——", "——本资料由知文苑会员群首发，严禁倒卖——"],
        "—— 本资料由笔杆文库会员群首发，严禁倒卖 ——",
    ),
    (
        ["下载更多精品文档请访问 gwxz.net", "下载更多精品文档请访问 www.wmyz.cn"],
        "下载更多精品文档请访问 mkfw.org",
    ),
    (
        ["点击关注「写作素材站」，获取每日写作素材", "点击关注「公文库」，获取每日写作素材"],
        "点击关注「范文君」，获取每日写作素材",
    ),
]


def test_tokens_find_typed_slots() -> None:
    kinds = [
        t.kind
        for t in tokens("【青藤文档】专注7年 访问 www.qtwd.com 微信 wx_2023abc")
        if t.kind not in ("", "space")
    ]
    assert kinds == [NAME, NUM, URL, "id"]
    assert [t.kind for t in tokens("联系 a.b@mail.cn")][-1] == "email"


def test_fast_skeleton_equals_the_token_skeleton_on_real_lines() -> None:
    """Counting uses ``line_skeleton`` (one scan, no tokens); alignment uses ``tokens``."""
    lines = []
    for name in ("ads-social.jsonl", "ads-web.jsonl", "negatives.jsonl"):
        path = ROOT / "data" / "boilerplate" / name
        lines += [json.loads(row)["text"] for row in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) > 2000
    for line in lines:
        toks = tokens(line)
        assert line_skeleton(line) == (skeleton(toks), has_slot(toks)), line


def test_skeleton_key_ignores_slot_values_but_not_bracket_kind() -> None:
    a, b = (
        template_keys("点击关注「写作素材站」，获取每日写作素材"),
        template_keys("点击关注「公文库」,获取每日写作素材"),
    )
    assert a[0] == b[0]
    assert template_keys("点击关注【公文库】，获取每日写作素材")[0] != a[0]
    assert template_keys("短行") == []  # no slot, too short for an affix key


@pytest.mark.parametrize(("seen", "unseen"), ISSUE_STAMPS)
def test_issue_stamps_make_one_slotted_template(seen: list[str], unseen: str) -> None:
    template = build_template(seen)
    assert template is not None
    pattern = compile_pattern(template.pattern, True)
    assert all(pattern.search(line) for line in [*seen, unseen])
    assert not pattern.search(seen[0] + "，这是正文里的一句话。")  # anchored to the whole line
    assert not pattern.search("我们要" + seen[0])
    assert template.slots  # and it says what varied


def test_free_slot_may_hold_spaces_and_latin() -> None:
    template = build_template(["本文由 Doc Share 团队整理发布于本站", "本文由 文库 小编 团队整理发布于本站"])
    assert template is not None
    assert all(compile_pattern(template.pattern, True).search(v) for v in template.variants)


def test_readme_walkthrough_rule_is_what_learn_writes(tmp_path: Path) -> None:
    """The templated rule README.md and docs/learn.md show is learned, as shown, from the
    400-file folder of seed 1."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = next(line.strip() for line in readme.splitlines() if line.strip().startswith("pattern = '^"))
    write_corpus(tmp_path / "new-site", make_corpus(400, seed=1))
    text = _learned_rules(tmp_path / "new-site", "-q")[0]
    assert shown in text.splitlines()
    learn_md = (ROOT / "docs" / "learn.md").read_text(encoding="utf-8")
    assert "    " + shown in learn_md.splitlines()
    why = next(line for line in text.splitlines() if line.startswith("why = ") and "专注公文写作" in line)
    assert why in learn_md


def test_free_slot_between_fixed_parts() -> None:
    template = build_template(
        ["—— 本资料由学习资料圈会员群首发，严禁倒卖 ——", "—— 本资料由知文苑会员群首发，严禁倒卖 ——"]
    )
    assert template is not None
    assert dict(template.slots)[FREE] == ("学习资料圈", "知文苑")
    assert "⟨…⟩" in template.shape
    pattern = compile_pattern(template.pattern, True)
    assert not pattern.search("—— 本资料由学习资料圈。我们的会员群首发，严禁倒卖 ——")  # no sentence in a slot


@pytest.mark.parametrize(
    "variants",
    [
        ["家长QQ群：123456789", "家长QQ群：55512345"],  # a field line: a notice's own contact line
        ["联系电话：0571-88886666", "联系电话：010-12345678"],
        ["【第一材料网】", "【青藤文档】"],  # hardly anything constant
        ["本资料由学习资料圈会员群首发", "本资料由学习资料圈会员群首发"],  # one variant: an exact line
        ["甲方：张三，乙方：李四", "甲方：王五，乙方：赵六"],  # too little constant
    ],
)
def test_refused_templates(variants: list[str]) -> None:
    assert build_template(variants) is None


def test_variant_sketch_is_the_same_in_any_merge_order() -> None:
    records = [
        _new_template_record(1, line, doc) for line, doc in [(50, 9), (7, 3), (50, 2), (99, 1), (3, 8)]
    ]
    merged = []
    for order in (records, records[::-1], records[2:] + records[:2]):
        into = list(order[0])
        for rec in order[1:]:
            _merge_record(into, list(rec))
        merged.append(into)
    assert merged[0] == merged[1] == merged[2]
    assert merged[0][0] == 5
    assert merged[0][6:] == [3, 8, 7, 3, 50, 2][: 2 * VARIANTS]  # smallest line keys, first documents
    assert len(_TEMPLATE_RECORD.pack(1, *merged[0])) == _TEMPLATE_RECORD.size


def test_hard_negative_list_is_in_sync_with_the_data() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "export_hard_negatives.py"), "--check"], capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode()
    assert len(hard_negatives()) > 200


def _learned_rules(root: Path, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(main, ["learn", str(root), "-j", "1", *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def _removed(report: Path) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for line in report.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        out[rec["path"]] = {
            r["line"] for r in rec.get("removed", []) if not r["rule"].startswith("whitespace.")
        }
    return out


@pytest.mark.parametrize("count", [40, pytest.param(400, marks=pytest.mark.slow)])
def test_run_learn_removes_templated_stamps_and_no_body_line(count: int, tmp_path: Path) -> None:
    """The issue's measure: >= 0.95 of stamp lines removed, 0 body lines lost (and hard negatives,
    some recurring at the edges of several documents, all kept)."""
    docs = make_corpus(count, seed=1)
    write_corpus(tmp_path / "in", docs)
    report = tmp_path / "report.jsonl"
    args = ["run", str(tmp_path / "in"), str(tmp_path / "out"), "--learn", "--report", str(report), "-j", "1"]
    assert CliRunner().invoke(main, [*args, "-q"]).exit_code == 0
    removed = _removed(report)
    stamps = kept = lost = 0
    for doc in docs:
        gone = removed[doc.name]
        for i, line in enumerate(doc.lines):
            if line.strip() and i in doc.stamped:
                stamps += 1
                kept += (i + 1) not in gone
            elif line.strip():
                lost += (i + 1) in gone
    assert stamps >= 3 * len(SITES)
    assert kept <= 0.05 * stamps
    assert lost == 0
    learned = (tmp_path / "report.learned.toml").read_text(encoding="utf-8")
    assert 'id = "learned.template-' in learned  # slotted, not one rule per exact line


def test_learn_show_prints_templates_with_slot_values(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", make_corpus(40, seed=2))
    out, err = _learned_rules(tmp_path / "in", "--show", "-o", str(tmp_path / "l.toml"))
    assert out.splitlines()[0].split()[:4] == ["docs", "zone", "kind", "id"]
    assert "template" in out and "num: " in out
    assert "本材料已收录于知识星球「⟨name⟩」，严禁二次转载" in out and "name: " in out
    assert (tmp_path / "l.toml").is_file() and "[[rule]]" not in out
    counts = [int(line.split()[0].replace(",", "")) for line in out.splitlines()[2:] if line[:1].isdigit()]
    assert counts == sorted(counts, reverse=True)  # most removing first
    assert "learned" in err


def test_templates_are_the_same_for_any_jobs_and_file_order(tmp_path: Path) -> None:
    docs = make_corpus(60, seed=4)
    write_corpus(tmp_path / "a", docs)
    write_corpus(tmp_path / "b", docs[::-1])
    one = _learned_rules(tmp_path / "a", "-q")[0]
    assert one == CliRunner().invoke(main, ["learn", str(tmp_path / "a"), "-j", "2", "-q"]).stdout
    assert one == _learned_rules(tmp_path / "b", "-q")[0]
    assert 'id = "learned.template-' in one


def test_why_says_what_the_cleaner_does_around_a_learned_rule(tmp_path: Path) -> None:
    """Scored stamps are still learned (the scorer misses some contexts) and say so; a
    neutral stamp next to removed ads says that, the strongest evidence."""
    docs = make_corpus(40, seed=1)
    for doc in docs[:5]:  # a neutral slogan right above a line the rules remove
        doc.lines[:0] = ["晨光书斋 · 每日一读", "扫码关注公众号，回复资料领取全部文档", ""]
        doc.stamped = {i + 3 for i in doc.stamped} | {0, 1}
    write_corpus(tmp_path / "in", docs)
    text = _learned_rules(tmp_path / "in", "-q")[0]
    assert "知识星球" in text and "the scorer (model.boilerplate) also removes it in " in text
    rule = text.split("晨光书斋")[0].rsplit("[[rule]]", 1)[1]
    assert "next to lines removed as ads in 3 of 3 example documents" in rule


def test_learned_template_rules_pass_their_own_examples(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", make_corpus(40, seed=3))
    target = tmp_path / "learned.toml"
    _learned_rules(tmp_path / "in", "-o", str(target), "-q")
    result = CliRunner().invoke(main, ["rules", "test", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "slots seen: " in text and "first seen in " in text


def test_hard_negative_recurring_at_edges_is_never_learned(tmp_path: Path) -> None:
    negative = next(line for line in hard_negatives() if "QQ" in line or "微信" in line)
    docs = make_corpus(40, seed=5)
    for doc in docs[:8]:
        doc.lines.append(negative)
    write_corpus(tmp_path / "in", docs)
    out = _learned_rules(tmp_path / "in", "-q")[0]
    rules = [
        compile_pattern(line.split("= ", 1)[1].strip("'\""), True)
        for line in out.splitlines()
        if line.startswith("pattern = '")
    ]
    assert rules and not any(p.search(negative) for p in rules)
