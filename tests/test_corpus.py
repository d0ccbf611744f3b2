"""Corpus learning: counting, deciding, and the rules it writes (library level)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanse.corpus import AD, _ad_flags, is_content_line, normalize_line
from cleanse.corpus_count import Corpus, CountTable, PathTable, count_corpus
from cleanse.corpus_findings import LearnOptions
from cleanse.corpus_render import line_pattern
from cleanse.corpus_rules import learn_corpus
from cleanse.discovery import discover
from cleanse.pipeline import Cleaner
from cleanse.rules import compile_pattern, load_rules, with_rules
from test_corpus_gen import PLATFORMS, make_docs, write_docs


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    """Learning by repetition alone: with the scorer on, stamps it already removes are left
    out of the learned file (tested in test_templates.py)."""
    return Cleaner(load_rules(disable=["model.boilerplate"]))


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mixed")
    write_docs(root, make_docs())
    return root


def _learn(root: Path, cleaner: Cleaner, paths: list[str] | None = None, **kwargs: object):
    corpus = Corpus.of(root, paths if paths is not None else discover(root), cleaner)
    return learn_corpus(corpus, **kwargs)  # type: ignore[arg-type]


def _matches(rules, line: str) -> bool:
    return any(compile_pattern(r.pattern, r.ignore_case).search(line) for r in rules)


def test_normalize_folds_width_case_space_and_digits() -> None:
    assert normalize_line(" 第 3 页　共１２页 ") == normalize_line("第9页共47页") == "第0页共00页"
    assert normalize_line("ＭｏＳｈｉ Docs") == normalize_line("moshi  DOCS")
    assert normalize_line("青禾文汇") != normalize_line("青禾文库")


@pytest.mark.parametrize(
    "line",
    ["同志们：", "谢谢大家。", "一、总体要求", "（二）重点任务", "2023年5月12日", "现将有关事项通知如下。"],
)
def test_ordinary_repeated_content_is_content(line: str) -> None:
    assert is_content_line(line)


@pytest.mark.parametrize("line", ["青禾文汇", "汇聚精品  共享智慧", "MoShi Docs 2024", "—— 拾光文档 ——"])
def test_platform_stamps_are_not_content(line: str) -> None:
    assert not is_content_line(line)


def test_line_pattern_is_exact_and_whole_line() -> None:
    pattern = compile_pattern(line_pattern(["MoShi Docs 2024"]), True)
    assert pattern.search("  ＭｏＳｈｉ Docs ２０２５ ")
    assert not pattern.search("MoShi Docs 2024 出品")
    assert not pattern.search("欢迎阅读 MoShi Docs 2024")


def test_learns_every_platform_and_no_content(mixed: Path, cleaner: Cleaner) -> None:
    learned = _learn(mixed, cleaner)
    docs = make_docs()
    for header, footer, _share in PLATFORMS.values():
        for line in (*header, *footer):
            for year in (2019, 2024):
                assert _matches(learned.rules, line.format(year=year)), f"not learned: {line}"
    body = {line for doc in docs for line in doc.body}
    assert not [line for line in body if _matches(learned.rules, line)]
    assert not _matches(learned.rules, "工作总结")  # a shared title is content


def test_multi_line_header_is_one_block_rule(mixed: Path, cleaner: Cleaner) -> None:
    learned = _learn(mixed, cleaner)
    header = PLATFORMS["qinghe"][0]
    owners = {r.id for r in learned.rules for line in header if _matches([r], line)}
    assert len(owners) == 1
    (rule,) = [r for r in learned.rules if r.id in owners]
    assert rule.id.startswith("learned.block-") and rule.zone == "head"
    assert set(header) <= set(rule.examples_match)
    assert "of 360 documents" in rule.why and "in the first 10 lines" in rule.why


def test_same_result_in_any_order_any_jobs_and_when_spilling(mixed: Path, cleaner: Cleaner) -> None:
    paths = discover(mixed)
    base = _learn(mixed, cleaner).text
    assert _learn(mixed, cleaner, list(reversed(paths))).text == base
    assert _learn(mixed, cleaner, jobs=2).text == base
    assert _learn(mixed, cleaner, cap=50).text == base


def test_spilled_counts_equal_in_memory_counts(mixed: Path, cleaner: Cleaner) -> None:
    corpus = Corpus.of(mixed, discover(mixed), cleaner)
    table, total = count_corpus(corpus)
    spilled, total2 = count_corpus(corpus, cap=20)
    try:
        assert spilled.spills > 1 and total == total2 == 360
        assert dict(table.frequent(2)) == dict(spilled.frequent(2))
    finally:
        table.close()
        spilled.close()


def test_thresholds_min_docs_and_min_share(tmp_path: Path, cleaner: Cleaner) -> None:
    docs = make_docs(120, seed=3)
    for doc in docs[:2]:  # a stamp on only 2 documents: below the default of 3
        doc.lines.insert(0, "晨星资料馆")
    write_docs(tmp_path, docs)
    assert not _matches(_learn(tmp_path, cleaner).rules, "晨星资料馆")
    assert _matches(_learn(tmp_path, cleaner, options=LearnOptions(min_docs=2)).rules, "晨星资料馆")
    strict = LearnOptions(min_docs=2, min_share=0.05)
    assert not _matches(_learn(tmp_path, cleaner, options=strict).rules, "晨星资料馆")


def test_speeches_keep_salutation_and_closing(tmp_path: Path, cleaner: Cleaner) -> None:
    docs = [d for d in make_docs(200, seed=5) if d.lines[1:2] == ["同志们："]]
    for doc in docs[::2]:  # half of them without a title: 同志们： is the first line
        doc.lines.pop(0)
        doc.stamped = {i - 1 for i in doc.stamped if i}
    write_docs(tmp_path, docs)
    learned = _learn(tmp_path, cleaner)
    assert len(docs) >= 30
    for line in ("同志们：", "谢谢大家。"):
        assert not _matches(learned.rules, line)
    assert all(not _matches(learned.rules, line) for doc in docs for line in doc.body)


def test_line_next_to_known_ads_is_learned_anywhere(tmp_path: Path, cleaner: Cleaner) -> None:
    docs = make_docs(60, seed=9)
    for doc in docs[:12]:  # mid-document ad block: a known ad line plus an unknown stamp
        doc.lines[2:2] = ["会员群：      免费QQ群：", "星河资料站"]
    write_docs(tmp_path, docs)
    rules = [r for r in _learn(tmp_path, cleaner).rules if _matches([r], "星河资料站")]
    assert len(rules) == 1 and rules[0].zone in ("anywhere", "head")
    assert not _matches(rules, "会员群：      免费QQ群：")  # the default rule already has it


def test_empty_and_undecodable_corpus_learns_nothing(tmp_path: Path, cleaner: Cleaner) -> None:
    (tmp_path / "a.txt").write_bytes(b"\x00\x01\x02" * 50)
    learned = _learn(tmp_path, cleaner)
    assert learned.rules == () and learned.documents == 0


def test_count_table_spill_files_are_removed(tmp_path: Path) -> None:
    table = CountTable(cap=1, spill_dir=str(tmp_path))
    table.add({1: [1, 1, 0, 0, 0, 1, 0, 0xFFFFFFFF, 0xFFFFFFFF]})
    table.add({2: [1, 0, 1, 0, 0, 1, 1, 0xFFFFFFFF, 0xFFFFFFFF]})
    assert list(tmp_path.iterdir())
    table.close()
    assert not list(tmp_path.iterdir())


def test_line_stamped_at_both_ends_is_an_edges_rule(tmp_path: Path, cleaner: Cleaner) -> None:
    docs = make_docs(80, seed=11)
    for doc in docs[:20]:
        doc.lines[:0] = ["远山文库"]
        doc.lines.append("远山文库")
    write_docs(tmp_path, docs)
    learned = _learn(tmp_path, cleaner)
    (rule,) = [r for r in learned.rules if _matches([r], "远山文库")]
    assert rule.zone == "edges"
    cleaned = Cleaner(with_rules(cleaner.ruleset, learned.rules)).clean("\n".join(docs[0].lines) + "\n")
    assert "远山文库" not in cleaned.text
    assert [r.rule for r in cleaned.removed] == [rule.id, rule.id]


def test_path_table_sorts_dedupes_and_indexes() -> None:
    table = PathTable(["b/二.txt", "a.txt", "b/二.txt", "c.md"])
    assert len(table) == 3
    assert [table[0], table[-1]] == ["a.txt", "c.md"]
    assert table[1:] == ["b/二.txt", "c.md"] and list(table) == ["a.txt", "b/二.txt", "c.md"]
    with pytest.raises(IndexError):
        table[3]


def test_ad_evidence_reaches_only_nearby_lines_of_the_same_block() -> None:
    sentence = "这是一句很长的正文句子，它结束了这个块。"
    lines = ["会员群：  免费QQ群：", "甲", "", "乙", "丙", "丁", "戊", sentence, "己"]
    ads = [True] + [False] * 8
    flags = _ad_flags(lines, ads)
    assert [i for i, f in enumerate(flags) if f & AD] == [0, 1, 3, 4]


def test_lines_with_quotes_and_backslashes_make_valid_rules(tmp_path: Path, cleaner: Cleaner) -> None:
    odd = "It's 文库 \\ 'best' \"docs\""
    docs = make_docs(60, seed=13)
    for doc in docs[:10]:
        doc.lines[:0] = [odd]
    write_docs(tmp_path, docs)
    (rule,) = [r for r in _learn(tmp_path, cleaner).rules if _matches([r], odd)]
    assert rule.examples_match == (odd,)
