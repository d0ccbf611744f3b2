"""The placeholder stage: the sample's 33 placeholders, a table per category, look-alikes, devset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanse import Cleaner, Document
from cleanse.rules import load_rules
from cleanse.stages.placeholders import build_placeholders
from conftest import SAMPLE


@pytest.fixture(scope="module")
def stage():
    """Only the placeholder stage, so the tables test detection and nothing else."""
    return build_placeholders(load_rules().for_stage("placeholders"))


def found(stage, text: str) -> list[tuple[str, str | None]]:
    """(text, category) of every flag, checking each flag points at its text."""
    doc = stage(Document(text))
    lines = doc.text.split("\n")
    for f in doc.flags:
        assert f.kind == "placeholder"
        assert lines[f.line - 1][f.col - 1 : f.col - 1 + len(f.text)] == f.text, f
    return [(f.text, f.category) for f in doc.flags]


# -- the sample (golden) ----------------------------------------------------------------------------

# Categories of the sample's 33 X's in reading order (see ../shared/research/placeholders.md).
SAMPLE_CATEGORIES = (
    ["person", "place"]  # X同志, 新X
    + ["count", "count", "percent", "count", "percent"]  # X人 X人 X% X个 X%
    + ["count"]  # X个
    + ["count", "count", "place"]  # X个 X个 “X老干部
    + ["count"] * 4  # X余名 X期 X期 X多人次
    + ["count", "count", "count", "place", "count", "year", "count"]  # X期 X次 X场 X特色 X多位 X年 X多期
    + ["count"] * 4  # X个 X名 X个 X名
    + ["place", "place"]  # 全国和X 感动X
    + ["doc-number"] * 4  # X组通〔2020〕X号 中办发X号 省办发X号
    + ["place"]  # “X高质量发展
)


@pytest.fixture(scope="module")
def sample_doc() -> Document:
    return Cleaner().clean_bytes(SAMPLE.read_bytes())


def test_sample_flags_exactly_its_33_placeholders(sample_doc: Document) -> None:
    lines = sample_doc.text.split("\n")
    every_x = {(n, col) for n, line in enumerate(lines, 1) for col, ch in enumerate(line, 1) if ch == "X"}
    flagged = [(f.line, f.col) for f in sample_doc.flags]
    assert len(every_x) == 33  # all X's of the body are placeholders, none in the ads
    assert len(flagged) == len(set(flagged)) == 33
    assert set(flagged) == every_x
    for f in sample_doc.flags:
        assert f.kind == "placeholder" and f.text == "X"
        assert lines[f.line - 1][f.col - 1] == "X"


def test_sample_categories(sample_doc: Document) -> None:
    ordered = sorted(sample_doc.flags, key=lambda f: (f.line, f.col))
    assert [f.category for f in ordered] == SAMPLE_CATEGORIES


def test_sample_is_idempotent(sample_doc: Document) -> None:
    again = Cleaner().clean(sample_doc.text)
    assert again.text == sample_doc.text
    assert [(f.line, f.col, f.rule) for f in again.flags] == [
        (f.line, f.col, f.rule) for f in sample_doc.flags
    ]


def test_off_mode_flags_nothing() -> None:
    doc = Cleaner(placeholders="off").clean_bytes(SAMPLE.read_bytes())
    assert not doc.flags
    assert doc.text.count("X") == 33


# -- positives per category: official documents, news, court judgments -----------------------------

POSITIVES = [
    # official documents
    ("印发《意见》（X组通〔2020〕X号）", [("X", "doc-number"), ("X", "doc-number")]),
    ("贯彻中办发X号、省办发XX号文件精神", [("X", "doc-number"), ("XX", "doc-number")]),
    ("第X条 本办法自发布之日起施行。", [("X", "count")]),
    (
        "截至去年底，全县共有贫困户X户、X人，贫困发生率为X%。",
        [("X", "count"), ("X", "count"), ("X", "percent")],
    ),
    ("XXX同志任XX县委书记", [("XXX", "person"), ("XX", "place")]),
    ("○○同志在会上强调", [("○○", "person")]),
    ("全面建设新X，奋力谱写具有X特色的新篇章", [("X", "place"), ("X", "place")]),
    ("Ｘ市人民政府办公室", [("Ｘ", "place")]),
    # news
    (
        "记者从X市教育局获悉，本次活动吸引了XX余名市民参加，较去年增长XX%。",
        [("X", "place"), ("XX", "count"), ("XX", "percent")],
    ),
    (
        "XX公司于20XX年X月X日与某某集团签订协议",
        [("XX", "org"), ("20XX", "year"), ("X", "date"), ("X", "date"), ("某某", "org")],
    ),
    ("从X年起，已连续举办X多期", [("X", "year"), ("X", "count")]),
    ("来自＊＊的消息称，***公司已停产", [("＊＊", "generic"), ("***", "org")]),
    # court judgments
    ("（2024）浙01民终×××号民事判决书", [("×××", "doc-number")]),
    ("审判员：×××", [("×××", "person")]),
    ("被告人张某某，男，1985年出生，住XX市XX区。", [("某某", "person"), ("XX", "place"), ("XX", "place")]),
    ("原告王某与被告李某某买卖合同纠纷一案", [("某", "person"), ("某某", "person")]),
    ("×××人民法院", [("×××", "org")]),
    ("联系人：***", [("***", "person")]),
    # technical documents with redacted numbers
    ("Debian 计划于20XX年由 ××× 建立", [("20XX", "year"), ("×××", "person")]),
    ("它在 XX 天后也不会进入 testing", [("XX", "count")]),
    ("参见 bug #XXXXXX 的讨论", [("XXXXXX", "doc-number")]),
    ("如下所示是通过数据归XX的方式来擦除硬盘", [("XX", "generic")]),
    ("procfs和sysfsXX个伪文件系统", [("XX", "count")]),
    ("本段写就时（2016 年XX月）", [("XX", "date")]),
    ("参见 第X章 网络设置", [("X", "count")]),
    # more forms
    ("某某年某某月，某某部门召开会议", [("某某", "year"), ("某某", "date"), ("某某", "org")]),
    ("住X号楼X单元", [("X", "count"), ("X", "count")]),
    ("联系电话：XXX-XXXXXXXX", [("XXX-XXXXXXXX", "generic")]),
    ("本季度营收X亿元，第X季度", [("X", "count"), ("X", "date")]),
    ("同比增长X.X%，共X.X亿元", [("X.X", "percent"), ("X.X", "count")]),
    ("有X-X人参加，X至X个工作日", [("X", "count")] * 4),
    ("（2019）X01民初XXX号", [("X", "place"), ("XXX", "doc-number")]),
    ("X政办发〔2021〕XX号", [("X", "doc-number"), ("XX", "doc-number")]),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES, ids=[t for t, _ in POSITIVES])
def test_positive(stage, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(stage, text) == expected


# -- negatives: look-alikes that are real words ---------------------------------------------------

NEGATIVES = [
    "拍X光片检查肺部",
    "X射线衍射分析",
    "胸部X线检查",
    "沿X轴方向移动",
    "X型血的人",
    "XX染色体与XY染色体",
    "电影X战警上映",
    "X世代的年轻人",
    "他在X上发文称",
    "X Window 是一个图形系统",
    "X11 转发",
    "启动 X 服务器",
    "X.Org 基金会",
    "使用X窗口系统",
    "iPhone X 发布",
    "SpaceX 发射火箭",
    "Windows XP 已停止支持",
    "XML 文件",
    "XXL 码",
    "罗马数字 XIV 表示十四",
    "第 XIV 章",
    "Ⅹ号选手",
    "罗马数字Ⅹ表示十",
    "设X为随机变量，则X的期望为μ",
    "若X>0，则结论成立",
    "X和Y相互独立",
    "包名为 libfooX，X 为整数",
    "3×4 的矩阵",
    "长×宽×高",
    "×××",
    "某些情况下",
    "某公司发布公告",
    "在某种程度上",
    "提高某项能力",
    "请按 X 键退出",
    "字母“X”",
    "运行带 -X 选项的 ssh",
    "Mac OS X 支持",
    "这是**重点**内容",
    "// XXX 这里需要修复",
    "如图X所示",
    "详见附录X",
    "对的打√，错的打X",
    "这是一个X因素",
    "电话：138****5678",
    "○○○○○○○○",
    "* * *",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_negative(stage, text: str) -> None:
    assert found(stage, text) == []


TECHNICAL_CORPUS = """\
X Window 系统（X11）是 Unix 上常见的图形环境，X 服务器负责显示，X 客户端通过 X 协议与之通信。
通过 ssh -X 可以把远程的 X 应用程序转发到本地，参见 X.Org 的文档和 xauth(1)。
如果 X 服务端无法启动，请检查 /var/log/Xorg.0.log 中的 X 日志和 X 错误。
在X下运行 xterm 时，X 核心协议的应用与 X 键盘映射有关。
医生建议拍X光片；X射线和X线检查都有少量辐射，X光机需要定期校准。
XX染色体为女性，XY为男性；脆性X综合征与X连锁遗传有关。
设X为随机变量，X的分布函数为F(x)，若X服从正态分布，则X的期望为μ。
令X=2，Y=3，则X和Y的和为5；沿X轴方向的分量记为Fx。
矩阵X的秩为 r，3×4 的矩阵有 12 个元素，长×宽×高即体积。
iPhone X 和 Mac OS X 都是苹果的产品，SpaceX 发射了火箭，Windows XP 已停止支持。
XML、XHTML 和 XXL 都不是占位符，罗马数字 XIV 和Ⅹ也不是。
某些软件包在某种情况下会失败，请按 X 键退出。
启动X后屏幕变黑，在X中运行 xterm；添加一个 X 条目，X 字符串，X 的 Y 次方。
"""


def test_technical_corpus_has_no_flags(stage) -> None:
    assert found(stage, TECHNICAL_CORPUS) == []


def test_one_flag_per_placeholder(stage) -> None:
    # Many rules match these X's (count, doc-number, person): each is still flagged once.
    flags = found(stage, "X组通〔2020〕X号 X同志 X人 X%")
    assert [t for t, _ in flags] == ["X"] * 5


def test_flags_point_into_multiline_output(stage) -> None:
    doc = stage(Document("第一行没有\n第二行有X人和X个\n"))
    assert [(f.line, f.col) for f in doc.flags] == [(2, 5), (2, 8)]


def test_a_user_rule_can_disable_an_exception() -> None:
    text = "拍X光片"
    assert not Cleaner().clean(text).flags
    doc = Cleaner(load_rules(disable=["placeholder-keep.x-ray"])).clean(text)
    assert [f.text for f in doc.flags] == ["X"]


# -- devset: detection against the gold labels (the placeholder stage alone) ----------------------


def _gold_docs(devset_dir: Path):
    for path in sorted((devset_dir / "gold").glob("doc*.json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        yield label, text


def test_devset_gold_bodies(stage, devset_dir: Path) -> None:
    """On the gold bodies: precision and recall >= 0.98, no labelled look-alike flagged."""
    true_pos = flags = total = 0
    negatives_hit = []
    for label, text in _gold_docs(devset_dir):
        gold = {(p["gold_line"], p["offset"], p["text"]) for p in label["placeholders"]}
        negs = {(p["gold_line"], p["offset"]) for p in label["negatives"]}
        got = {(f.line, f.col - 1, f.text) for f in stage(Document(text)).flags}
        total += len(gold)
        flags += len(got)
        true_pos += len(got & gold)
        negatives_hit += [(label["id"], g) for g in got if g[:2] in negs]
    assert total > 50
    assert true_pos / flags >= 0.98
    assert true_pos / total >= 0.98
    assert negatives_hit == []


CATEGORIES = {"count", "percent", "year", "date", "person", "place", "org", "doc-number", "generic"}


def test_every_detector_names_its_placeholder_and_category() -> None:
    rules = load_rules().for_stage("placeholders")
    detectors = [r for r in rules if r.action == "flag"]
    assert len(detectors) >= 20 and any(r.action == "keep" for r in rules)
    for rule in detectors:
        assert rule.category in CATEGORIES, rule.id
        assert "flag" in rule.compiled.groupindex, rule.id


def test_user_detectors_see_every_line(tmp_path: Path) -> None:
    """A user rule for a form the defaults do not know (□□) still runs on lines without X."""
    rule_file = tmp_path / "mine.toml"
    rule_file.write_text(
        """
[[rule]]
id = "my.box-run"
stage = "placeholders"
why = "Our archive redacts names as □□."
pattern = '(?P<flag>□{2,})'
category = "person"
examples.match = ["□□同志"]
examples.keep = ["□"]
""",
        encoding="utf-8",
    )
    doc = Cleaner(load_rules([rule_file])).clean("□□同志发表讲话。\n共X人参加。")
    assert [(f.text, f.category) for f in doc.flags] == [("□□", "person"), ("X", "count")]


def test_unsure_forms_are_off_until_enabled() -> None:
    text = "住某市某区的一位老人"
    assert not Cleaner().clean(text).flags
    doc = Cleaner(load_rules(enable=["placeholder.mou-determiner"])).clean(text)
    assert [(f.text, f.col) for f in doc.flags] == [("某", 2), ("某", 4)]


def test_a_slow_user_rule_is_dropped_and_reported(tmp_path: Path) -> None:
    rule_file = tmp_path / "slow.toml"
    rule_file.write_text(
        """
[[rule]]
id = "my.slow"
stage = "placeholders"
why = "Catastrophic backtracking on long runs of X."
pattern = '(?P<flag>(?:X|XX|XXX)+Y)'
examples.match = ["XY"]
examples.keep = ["X"]
""",
        encoding="utf-8",
    )
    cleaner = Cleaner(load_rules([rule_file]), rule_timeout=0.05)
    doc = cleaner.clean("共X人参加\n" + "X" * 40 + "\n")
    assert [(f.line, f.text, f.rule) for f in doc.flags] == [(1, "X", "placeholder.count")]
    assert any("my.slow" in w for w in doc.meta["warnings"])
