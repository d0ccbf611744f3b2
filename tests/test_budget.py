"""The per-document CPU budget (cleanse.budget): used where it can be, never changes a result.

Documents run under one interval timer instead of a time limit on every regex call. These
tests prove that the budget path is the one taken in the main thread, that a document which
runs out of budget is cleaned again on the per-call path with the same report as that path
gives, and that threads, a foreign SIGPROF owner and very long documents use the per-call
limits.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from cleanse import Cleaner, Options, budget, load_rules
from cleanse.document import Document

SLOW_RULE = """
[[rule]]
id = "my.slow"
stage = "boilerplate"
why = "Backtracks exponentially on long runs of 'a' (a hostile user rule)."
pattern = '^(a|aa)+$'
zone = "anywhere"
long_lines = true
examples.match = ["aaa"]
examples.keep = ["bbb"]
"""
HOSTILE = "加入免费QQ群：123456\n正文第一段。\n" + "a" * 40 + "!\n"
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample" / "speech-with-ads.txt"

pytestmark = pytest.mark.skipif(not budget._HAS_TIMER, reason="no setitimer on this platform")


def _record(doc: Document) -> tuple[object, ...]:
    return (doc.text, doc.removed, doc.changes, doc.flags, doc.meta)


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which path each document took: 'budget' or 'per-call' (by spying on both)."""
    taken: list[str] = []
    real = budget.run_within

    def spy_budget(seconds, fn, arg):  # type: ignore[no-untyped-def]
        taken.append("budget")
        return real(seconds, fn, arg)

    monkeypatch.setattr(budget, "run_within", spy_budget)
    real_stages = Cleaner.stages

    def spy_stages(self):  # type: ignore[no-untyped-def]
        taken.append("per-call")
        return real_stages.fget(self)  # type: ignore[attr-defined]

    monkeypatch.setattr(Cleaner, "stages", property(spy_stages))
    return taken


def test_a_document_in_the_main_thread_runs_under_the_budget(paths: list[str]) -> None:
    doc = Cleaner().clean(SAMPLE.read_text(encoding="utf-8"))
    assert paths == ["budget"]
    assert doc.removed, "the sample's ads are still removed on the budget path"


def test_results_equal_the_per_call_path(paths: list[str]) -> None:
    cleaner = Cleaner(placeholders="mark")
    texts = [SAMPLE.read_text(encoding="utf-8"), HOSTILE, "你好,世界!\n\n\n  X同志约占X%。\n"]
    budgeted = [_record(cleaner.clean(t)) for t in texts]
    assert paths == ["budget"] * 3
    per_call = []
    for t in texts:
        d = Document(text=t)
        for stage in cleaner.stages:
            d = stage(d)
        per_call.append(_record(d))
    assert budgeted == per_call


def test_a_hostile_rule_runs_out_of_budget_and_is_named_as_on_the_per_call_path(
    tmp_path: Path, paths: list[str]
) -> None:
    rules = tmp_path / "slow.toml"
    rules.write_text(SLOW_RULE, encoding="utf-8")
    cleaner = Cleaner(load_rules([rules]), Options(rule_timeout=0.05))
    start = time.process_time()
    doc = cleaner.clean(HOSTILE)
    assert time.process_time() - start < 10
    assert paths[:2] == ["budget", "per-call"], paths
    assert any("my.slow" in w and "time limit" in w for w in doc.meta["warnings"]), doc.meta
    assert "a" * 40 + "!" in doc.text and "QQ群" not in doc.text
    assert cleaner._budgeted is None, "stages interrupted mid-document are not reused"
    paths.clear()
    fine = cleaner.clean("加入免费QQ群：123456\naaa\n正文。\n")
    assert paths == ["budget"] and not fine.meta.get("warnings")
    assert any(r.rule == "my.slow" for r in fine.removed), "the slow rule still runs elsewhere"


def test_a_thread_uses_the_per_call_limits(paths: list[str]) -> None:
    cleaner = Cleaner()
    out: list[Document] = []
    worker = threading.Thread(target=lambda: out.append(cleaner.clean(HOSTILE)))
    worker.start()
    worker.join()
    assert paths == ["per-call"]
    assert _record(out[0]) == _record(cleaner.clean(HOSTILE))


def test_a_foreign_sigprof_handler_is_left_alone(paths: list[str]) -> None:
    def theirs(signum: int, frame: object) -> None:
        pass

    before = signal.signal(signal.SIGPROF, theirs)
    try:
        Cleaner().clean(HOSTILE)
        assert signal.getsignal(signal.SIGPROF) is theirs
        assert paths == ["per-call"]
    finally:
        signal.signal(signal.SIGPROF, before)


def test_a_very_long_document_goes_straight_to_the_per_call_limits(paths: list[str]) -> None:
    cleaner = Cleaner(rule_timeout=0.01)  # a budget for 2,500 characters
    cleaner.clean("正文第一段，内容完整。\n" * 400)
    assert paths == ["per-call"]


def test_the_timer_is_disarmed_after_each_document() -> None:
    Cleaner().clean(HOSTILE)
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert budget._armed is False


SLOW_EACH_LINE = """
[[rule]]
id = "my.commas"
stage = "boilerplate"
why = "Slow on lines of many commas, yet under the limit on each (issue 21, item 6)."
pattern = '(.*?,){11}P'
zone = "anywhere"
long_lines = true
examples.match = ["a,b,c,d,e,f,g,h,i,j,k,P"]
examples.keep = ["bbb"]
"""


def test_a_rule_slow_on_every_line_is_stopped_per_document(tmp_path: Path) -> None:
    """Each call stays under the per-call limit, so only the per-rule budget can stop it."""
    rules = tmp_path / "commas.toml"
    rules.write_text(SLOW_EACH_LINE, encoding="utf-8")
    lines = [f"P{',' * 18}{n}" for n in range(60)]  # ~0.04 s each (2-core VM); all different,
    cleaner = Cleaner(load_rules([rules]), Options(rule_timeout=0.15))  # so none is cached
    doc = cleaner.clean("加入免费QQ群：123456\n正文。\n" + "".join(f"{line}\n" for line in lines))
    assert any("my.commas" in w for w in doc.meta.get("warnings", ())), doc.meta
    assert "QQ群" not in doc.text, "the other rules still ran"
    assert all(line in doc.text for line in lines), "nothing was lost"


def test_a_document_past_its_overall_cap_is_left_as_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleanse import pipeline

    monkeypatch.setattr(pipeline, "DOCUMENT_CAP", 0)  # any tick is past the cap
    monkeypatch.setattr(
        budget, "run_within", lambda seconds, fn, arg: (_ for _ in ()).throw(budget.BudgetExceeded)
    )
    text = "加入免费QQ群：123456\n正文。\n" * 20000
    doc = Cleaner().clean(text)
    assert doc.text == text and any("left as decoded" in w for w in doc.meta["warnings"])
