"""Punctuation stage: table-driven cases per mark and per protected-span kind (GB/T 15834-2011)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from cleanse import Cleaner, clean, load_rules
from cleanse.document import Document
from cleanse.matching.matcher import RuleMatcher
from cleanse.rules import example_failures, parse_rule_text
from cleanse.stages.protect import merge, overlaps, protected_ranges, protected_spans
from cleanse.stages.punctuation import build_punctuation, convert_line
from conftest import ROOT

_MATCHERS: dict[tuple[str, ...], RuleMatcher] = {}


def matcher(enable: Iterable[str] = ()) -> RuleMatcher:
    """The default punctuation rules (plus optional ones), built once per combination."""
    key = tuple(sorted(enable))
    if key not in _MATCHERS:
        _MATCHERS[key] = RuleMatcher(load_rules(enable=key).for_stage("punctuation"))
    return _MATCHERS[key]


def punct(text: str, enable: Iterable[str] = ()) -> str:
    return convert_line(text, matcher(enable))[0]


# (input, expected): every mark of the issue, from GB/T 15834 usage and the devset's real text.
CONVERSIONS = [
    # comma, semicolon, colon, question, exclamation
    ("编辑那些文件,在那些行中", "编辑那些文件，在那些行中"),
    ("使用 ssh,然后登录", "使用 ssh，然后登录"),
    ("对于系统安全性和完整性的检查, 你需要", "对于系统安全性和完整性的检查， 你需要"),
    ("加强组织建设;完善制度", "加强组织建设；完善制度"),
    ("建设”;“完善", "建设”；“完善"),
    ("参见:第 7.8 节", "参见：第 7.8 节"),
    ("客户端可以使用如下方式来认证自己:基于主机的认证", "客户端可以使用如下方式来认证自己：基于主机的认证"),
    ("什么是虚拟软件包?", "什么是虚拟软件包？"),
    ("真的吗?!", "真的吗？！"),
    ("太好了!", "太好了！"),
    # parentheses: by content (Chinese inside) or pairing with a full-width partner
    ("命令(或其它特异的工具)来获得", "命令（或其它特异的工具）来获得"),
    ("GUI(图形用户界面)的", "GUI（图形用户界面）的"),
    ("RT（实时） 任务优先级(打开）", "RT（实时） 任务优先级（打开）"),
    ("增量备份（远程)。", "增量备份（远程）。"),
    ("（参见 第 1.5.6 节 “Shell 通配符”)。", "（参见 第 1.5.6 节 “Shell 通配符”）。"),
    ("munpack(1) 命令(或其它工具)", "munpack(1) 命令（或其它工具）"),
    ("(参见 ssh(1) 手册)", "（参见 ssh(1) 手册）"),
    ("延迟接受(多见于 unstable )", "延迟接受（多见于 unstable ）"),
    ("详见附件1(pdf格式)", "详见附件1（pdf格式）"),
    ("（注:这是注释)", "（注：这是注释）"),
    # quotes, paired across the line
    ('他说"好的",然后走了', "他说“好的”，然后走了"),
    ('"中文"和"英文"', "“中文”和“英文”"),
    ("“他说'好的'”", "“他说‘好的’”"),
    ('“中文"', "“中文”"),
    # ellipsis, dash, interpunct, doubled marks
    ("等等...", "等等……"),
    ("然后。。。好吧", "然后……好吧"),
    ("等等…", "等等……"),
    ("他说--好吧", "他说——好吧"),
    ("我们必须坚持下去—这是唯一的出路", "我们必须坚持下去—这是唯一的出路"),  # lone — left (off by default)
    ("这个――那个", "这个——那个"),
    ("约翰・史密斯", "约翰·史密斯"),
    ("《论语‧学而》", "《论语·学而》"),
    ("好。。", "好。"),
    ("一，，二", "一，二"),
    # full-width letters and digits
    ("ＡＢＣ１２３公司", "ABC123公司"),
    ("第１章", "第1章"),
    # a conversion that gives its neighbour Chinese context is followed through
    ("foo,(中文)", "foo，（中文）"),
    ("一,,二", "一，二"),
]


@pytest.mark.parametrize(("text", "expected"), CONVERSIONS)
def test_conversion(text: str, expected: str) -> None:
    assert punct(text) == expected


@pytest.mark.parametrize(("text", "expected"), CONVERSIONS)
def test_conversion_is_idempotent(text: str, expected: str) -> None:
    assert punct(expected) == expected


# (text, protected part): each kind of protected span, inside a Chinese sentence.
PROTECTED = [
    ("圆周率是3.14,约等于", "3.14"),
    ("共1,000人,其中", "1,000"),
    ("占5%,其中", "5%"),
    ("时间16:32,地点", "16:32"),
    ("时间:11:59:01 UTC", "11:59:01"),
    ("日期2011-02-15,地点", "2011-02-15"),
    ("它位于 https://www.debian.org/doc,包括了", "https://www.debian.org/doc"),
    ("访问 http://example.org/a?b=1,c=2 页面", "http://example.org/a?b=1,c=2"),
    ("发表至 debian-devel-changes@lists.debian.org,然后", "debian-devel-changes@lists.debian.org"),
    ("记录到debian/patches/install.patch。", "debian/patches/install.patch"),
    ("在 ~/.ssh/authorized_keys 里,给条目", "~/.ssh/authorized_keys"),
    ("参见 ssh(1),以及", "ssh(1)"),
    ("运行 apt-get install foo;然后", "apt-get install foo"),
    ("使用 a:b 的形式", "a:b"),
    ("已在文件层级标准(FHS)中作出", "(FHS)"),
    ("SMTP 埠 (25)的连线", "(25)"),
    ('就像"/usr/share/doc/users.txt.gz"和', '"/usr/share/doc/users.txt.gz"'),
    ("使用 “FS=':'” 来设定", "FS=':'"),
    ('按顺序输入 :%set noexpandtab" 和', ':%set noexpandtab"'),
    ('输入 `printf("中文")` 来打印', '`printf("中文")`'),
    ("他说 Hello, world! 然后走了", "Hello, world!"),
    ("1. 总则", "1."),
    ("使用 &nbsp;中文", "&nbsp;"),
    ('    if (x) { printf("错误"); }', 'printf("错误")'),
    ("调用 _('提示信息') 即可", "_('提示信息')"),
    ("好的:)", ":)"),
]


@pytest.mark.parametrize(("text", "part"), PROTECTED)
def test_protected_ranges_equal_merged_spans(text: str, part: str) -> None:
    """The fast path (no kinds) protects exactly what the named spans do."""
    for line in (text, text + " " + text, "中文" + part + "(附件" + part + ")"):
        assert protected_ranges(line) == merge(protected_spans(line)), line


@pytest.mark.parametrize(("text", "part"), PROTECTED)
def test_protected_span_is_untouched(text: str, part: str) -> None:
    out = punct(text)
    assert part in out, out


# English and code passages: byte-identical, even with Chinese text around them elsewhere.
NEGATIVE = [
    "Hello, world! How are you? Fine: thanks; bye...",
    'for (i = 0; i < n; i++) { printf("%d, %d\\n", a, b); }',
    "apt-get update; apt-get install foo -- --yes",
    "See https://www.debian.org/doc/manuals/debian-reference/ch02.en.html#_basics (section 2).",
    "ssh(1), scp(1) and sftp(1): see \"man ssh\" -- or 'info ssh'...",
    "It's a dog's life: don't 'quote' me!",
    "x = a ? b : c; y = f(g(1), 2)",
    "PATH=/usr/local/bin:/usr/bin:/bin",
    "2011-02-15 16:32:01, 3.14, 1,000, 5%",
    "C:\\Program Files\\foo.exe --help",
    "He said, “Hello!” Then: ‘quoted’ words… and a dash—like this; fine?",
    "The cats’, dogs’ and birds’ toys (see “Pets”, p. 3).",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_english_and_code_are_byte_identical(text: str) -> None:
    assert punct(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "2020年,X人",  # no spaces inserted by default
        "约占X%的同志",
        "X组通〔2020〕X号",
        "认真学习《关于…的决定》精神",
        "　　同志们",
        "北京——上海",
        "北京—上海特别旅客快车",
        "沈括（1031—1095）",
        "1—5 号",
        "• 项目一",
    ],
)
def test_official_conventions_and_spacing_kept(text: str) -> None:
    out = punct(text)
    assert out.replace("，", ",").replace("……", "…") == text


OPTIONAL = [
    ("punct.doc-number-brackets", "国办发[2020]12号", "国办发〔2020〕12号"),
    ("punct.doc-number-brackets", "X组通(2020)X号", "X组通〔2020〕X号"),
    ("punct.space-cjk-latin", "使用Linux系统2020年", "使用 Linux 系统 2020 年"),
]


@pytest.mark.parametrize(("rule_id", "text", "expected"), OPTIONAL)
def test_optional_rules_off_by_default_and_on_when_enabled(rule_id: str, text: str, expected: str) -> None:
    assert punct(text) == text
    assert punct(text, enable=[rule_id]) == expected
    assert punct(expected, enable=[rule_id]) == expected


def test_optional_cjk_space_removal() -> None:
    text = "仅 供 学 习\n使用 Linux 系统\n"
    assert Cleaner(keep_boilerplate=True).clean(text).text == text
    cleaner = Cleaner(load_rules(enable=["whitespace.cjk-inner-space"]), keep_boilerplate=True)
    assert cleaner.clean(text).text == "仅供学习\n使用 Linux 系统\n"


def test_each_conversion_is_a_change_with_rule_line_before_after() -> None:
    stage = build_punctuation(matcher())
    doc = stage(Document("第一行。\n编辑文件,在行中;然后(远程)\n"))
    got = [(c.rule, c.line, c.before, c.after) for c in doc.changes]
    assert got == [
        ("punct.comma", 2, ",", "，"),
        ("punct.semicolon", 2, ";", "；"),
        ("punct.paren-open", 2, "(", "（"),
        ("punct.paren-close", 2, ")", "）"),
    ]
    assert doc.text == "第一行。\n编辑文件，在行中；然后（远程）\n"


def test_sample_closing_semicolons_become_full_width(sample_bytes: bytes) -> None:
    doc = Cleaner().clean_bytes(sample_bytes)
    semis = [c for c in doc.changes if c.rule == "punct.semicolon"]
    assert len(semis) == 2
    assert all((c.before, c.after) == (";", "；") for c in semis)
    closing = next(line for line in doc.text.splitlines() if "夯实党的基层组织建设基础" in line)
    assert ";" not in closing and closing.count("；") == 2


def test_rule_examples_hold() -> None:
    rules = load_rules([ROOT / "rules"], defaults=False).all_rules
    own = [r for r in rules if r.stage == "punctuation" or r.id == "whitespace.cjk-inner-space"]
    assert len(own) >= 18
    assert [f for r in own for f in example_failures(r)] == []


TRANSLATE_RULE = """
[[rule]]
id = "my.fold"
stage = "punctuation"
why = "test"
pattern = '[ＡＢ]+'
translate = {{ from = "{src}", to = "{dst}" }}
examples.match = ["ＡＢ"]
examples.keep = ["AB"]
examples.fix = [["xＡＢy", "xABy"]]
"""


def test_translate_rules_validate_and_apply() -> None:
    good = parse_rule_text(TRANSLATE_RULE.format(src="ＡＢ", dst="AB"), "good.toml")
    assert good.problems == []
    assert example_failures(good.rules[0]) == []
    bad = parse_rule_text(TRANSLATE_RULE.format(src="ＡＢ", dst="A"), "bad.toml")
    assert any("one target character per source character" in p for p in bad.problems)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        *[(0, 1, False), (0, 3, True), (1, 2, False), (5, 8, False), (4, 6, True), (7, 9, True)],
        *[(10, 12, False), (3, 3, True), (2, 2, False), (5, 5, False), (9, 9, True)],
    ],
)
def test_overlaps_with_protected_ranges(start: int, end: int, expected: bool) -> None:
    assert overlaps([(2, 5), (8, 10)], start, end) is expected


def test_long_lines_stay_linear() -> None:
    """Quote pairing and protected ranges must not go quadratic on one-paragraph documents."""
    import time

    line = "他说\"好的\",然后'可以' foo(bar) a:b 1,000 中文," * 3000
    start = time.perf_counter()
    out = punct(line)
    assert time.perf_counter() - start < 5
    assert out.count("“好的”，") == 3000 and out.count("a:b 1,000 中文，") == 3000


@pytest.mark.parametrize("mark", ["?", "!", ",", ";", ":"])
def test_long_chains_of_marks_convert_in_one_run(mark: str) -> None:
    """Each mark converts only once the one before it is full-width; a run of them is finished
    in one clean (a fixed number of passes left the tail for a second run: not idempotent)."""
    text = "仅供学习禁止外传" + f"{mark} " * 30 + "0"
    once = clean(text).text
    assert mark not in once
    assert clean(once).text == once


def test_rules_that_undo_each_other_stop_at_once(tmp_path: Path) -> None:
    """a -> b and b -> a would cycle; a pass giving back a line already seen ends the passes."""
    rules = tmp_path / "cycle.toml"
    rules.write_text(
        """
[[rule]]
id = "my.a-to-b"
stage = "punctuation"
why = "test"
pattern = 'a'
action = "replace"
replace = 'b'
examples.match = ['a']
examples.keep = ['c']

[[rule]]
id = "my.b-to-a"
stage = "punctuation"
why = "test"
pattern = 'b'
action = "replace"
replace = 'a'
examples.match = ['b']
examples.keep = ['c']
""",
        encoding="utf-8",
    )
    line = "ab" * 200
    out, records = convert_line(line, RuleMatcher(load_rules([rules]).for_stage("punctuation")))
    assert out in {line, line.translate(str.maketrans("ab", "ba"))}
    assert len(records) <= 3 * len(line)  # two or three passes, not hundreds


def test_cjk_radicals_map_to_the_ideographs_unicode_names() -> None:
    """punct.cjk-radicals: every Kangxi radical goes where NFKC takes it, every mapped
    supplement radical to a unified ideograph, and nothing else is touched."""
    import unicodedata

    rule = load_rules().get("punct.cjk-radicals")
    assert rule is not None
    assert rule.translate is not None
    src, dst = rule.translate
    assert len(src) == len(dst) == 328 and len(set(src)) == 328
    for a, b in zip(src, dst, strict=True):
        assert unicodedata.name(b).startswith("CJK UNIFIED IDEOGRAPH"), hex(ord(a))
        if 0x2F00 <= ord(a) <= 0x2FD5:
            assert unicodedata.normalize("NFKC", a) == b, hex(ord(a))
        assert rule.compiled.fullmatch(a), hex(ord(a))
    assert not rule.compiled.search("\u2e80\u2e9a一二三"), "radicals without an equivalent stay"
    doc = Cleaner().clean("这是PDF里的⻓城与⼀个⼈。\n")
    assert doc.text == "这是PDF里的长城与一个人。\n"
    assert [(c.rule, c.before, c.after) for c in doc.changes] == [
        ("punct.cjk-radicals", "⻓", "长"),
        ("punct.cjk-radicals", "⼀", "一"),
        ("punct.cjk-radicals", "⼈", "人"),
    ]
