"""Other ad families than the sample's, written out whole: each states which lines go.

The devset shows one family only; these are the shapes of document-sharing sites, WeChat
articles, forum reposts and web-page footers, in Simplified and Traditional Chinese.
"""

from __future__ import annotations

import pytest

from cleanse import Cleaner

CLEANER = Cleaner(placeholders="off")

DOCSHARE = """文档名称：2020年度工作总结.doc
格式：doc  大小：52KB  页数：4
上传人：user_123
下载后只包含 1 个 DOC 格式的文档

2020年度工作总结
一年来，在局党组的正确领导下，我们紧紧围绕年初确定的目标任务，扎实开展各项工作。
一、主要工作完成情况
全年共完成项目审批一百二十件，办结率百分之百。
二、存在的问题
主要是工作创新不够，服务意识有待加强。

由会员上传分享，免费在线阅读
更多精品资料，尽在某某文库
www.example-wenku.com
"""

WECHAT = """点击上方蓝字关注我们

★★★★★★★★
如何做好新时代的群众工作
群众工作是党的一项基础性工作，关系到党的执政基础是否牢固。
做好群众工作，必须坚持以人民为中心的发展思想。
（来源：某某日报，更多资料请关注公众号某某）

往期精彩
学习贯彻全会精神系列解读
基层治理的十个典型案例

长按识别二维码关注
"""

FORUM = """僅供學習交流，請勿外傳
筆耕坊
專注寫作十年

【嚴打倒賣活動】
舉報倒賣會員資料者，舉報成功免費贈送一年會員！

關於加強校園安全管理的通知
各學院、各部門：
為切實做好校園安全工作，現將有關事項通知如下。
請各單位認真貫徹落實。

聯繫人：王老師
聯繫電話：02-12345678
僅供學習 禁止外傳
"""

WEBPAGE = """网站首页 > 范文大全 > 工作计划

2021年工作计划
新的一年，我们将继续围绕中心、服务大局，推动各项工作再上新台阶。
一是加强学习，提高队伍素质。
二是完善制度，规范工作流程。

==========
关于我们 | 联系我们 | 网站地图 | 免责声明
Copyright © 2010-2021 某某范文网 版权所有
京ICP备12345678号-1
京公网安备 11010502030000号
"""

CASES = {
    "docshare": (DOCSHARE, {1, 2, 3, 4, 13, 14, 15}),
    "wechat": (WECHAT, {1, 3, 7, 9, 10, 11, 13}),
    "forum-traditional": (FORUM, {1, 2, 3, 5, 6, 15}),
    "webpage": (WEBPAGE, {1, 8, 9, 10, 11, 12}),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_other_families(text: str, expected: set[int]) -> None:
    doc = CLEANER.clean(text)
    removed = {r.line for r in doc.removed if r.text.strip() and not r.rule.startswith("whitespace.")}
    assert removed == expected
    lines = text.split("\n")
    kept = [n for n, line in zip(doc.line_origins(), doc.lines, strict=True) if line.strip()]
    assert kept == [n for n, line in enumerate(lines, 1) if line.strip() and n not in expected]
    assert CLEANER.clean(doc.text).text == doc.text
