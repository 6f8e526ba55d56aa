"""Each cleanup rule: one line it removes, and one article sentence it must leave alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract.cleanup import RuleError, apply_rules, default_rules, load_rules

PROSE = "本报讯 日前，某基金会在京举行发布会，介绍了过去一年开展的公益项目和资金使用情况。"
BODY = "\n".join([PROSE] * 6)

# rule name → (noise line, a line an article may legitimately contain)
CASES: dict[str, tuple[str, str]] = {
    "copyright-disclaimer-heading": (
        "版權與免責聲明:", "律师指出，许多网站的版权声明并不能免除其侵权责任，这一点值得注意。"),
    "reprint-notice": (
        "转载请注明出处。", "他说，一些自媒体未经授权就转载了这篇报道，基金会已经联系平台处理。"),
    "editor-line": ("责任编辑：王小明", "编辑部主任王小明表示，今年将继续关注乡村教育。"),
    "editor-line-bracketed": ("（责任编辑：李华）", "（李华系本报特约评论员，长期关注慈善法实施。）"),
    "keyword-line": ("关键词：", "关键词是“透明”，这是与会代表反复提到的。"),
    "photo-placeholder": ("(资料图)", "（资料图片显示，该项目已覆盖12个省份。）"),
    "photo-credit": ("本报记者 贾宁 摄", "摄影爱好者张明用镜头记录了志愿者的一天，作品在展览中获奖。"),
    "share-print-residue": ("分享到：微信 微博 QQ空间", "分享到朋友圈的捐赠链接，一天内筹得善款十万元。"),
    "share-bar": ("分享到：微信 微博 QQ空间 扫一扫，手机阅读更方便",
                  "分享到朋友圈后，扫一扫二维码就能捐款，这个设计让捐赠更方便。"),
    "article-info-line": ("发布时间：2024年4月30日 08:20 来源：公益时报 作者：贾宁 【字号 大 中 小】【打印】",
                          "发布时间定在4月30日，来源于各地的志愿者代表将参加仪式，作者协会也派人出席。"),
    "prev-next-links": ("上一篇：志愿服务条例解读", "上一篇报道发表后，读者纷纷来电询问捐赠渠道。"),
    "breadcrumb": ("当前位置：首页 > 新闻", "当前位置偏远，救援物资需要两天才能送达。"),
    "licence-line": ("京ICP备12345678号-1", "工信部表示，将加强对ICP备案信息的核查，这是本次整治的重点之一。"),
    "contact-footer": ("传真：025-83755381", "热线电话开通以来，已接到求助电话三千多个，工作人员逐一回访。"),
    "organisation-list": (
        "北京市化学工业协会 天津市石油和化工协会 辽宁省石油和化学工业协会",
        "北京市化学工业协会、天津市石油和化工协会等单位共同发起了倡议。"),
    "share-site-banner": (
        "《方案.docx》由会员分享,可在线阅读,更多相关《方案.docx(14页珍藏版)》请在冰豆网上搜索。",
        "会员们分享了各自的经验，并在网上搜索相关政策文件。"),
    "document-file-name": ("实施方案.docx", "附件为实施方案全文（docx格式），请到官网下载。"),
    "related-list": ("□相关阅读", "相关阅读材料已经发放给每一位参会代表，供会后学习。"),
    "more-link": ("更多>>", "更多的志愿者加入进来，服务时长累计超过一万小时。"),
    "comment-widget": ("发表评论", "他在发表评论时强调，慈善组织要把信息公开放在首位。"),
    "calendar-widget": ("一 二 三 四 五 六 日", "三 二 一，倒计时结束，志愿者们一起按下了启动按钮。"),
    "photo-caption": ("11月30日上午，座谈会在上海召开。新华社记者 谢环驰 摄", "记者举起相机拍摄了救援现场的照片，随后发回报社。"),
    "video-player-controls": ("播放速度：2X", "直播间里，主播以1.5倍速讲解了捐赠流程，画质清晰。"),
}


def test_every_rule_has_a_case() -> None:
    assert {rule.name for rule in default_rules().rules} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_removes_its_noise(name: str) -> None:
    noise, _ = CASES[name]
    rule = next(r for r in default_rules().rules if r.name == name)
    # tail and edge rules act at the end of the text, line rules anywhere
    text = f"{BODY}\n{noise}" if rule.scope != "line" else f"{PROSE}\n{noise}\n{BODY}"
    assert noise not in apply_rules(text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_keeps_article_sentences(name: str) -> None:
    _, sentence = CASES[name]
    for text in (f"{BODY}\n{sentence}", f"{PROSE}\n{sentence}\n{BODY}", f"{sentence}\n{BODY}"):
        assert sentence in apply_rules(text), f"{name} removed an article sentence"


def test_article_about_copyright_keeps_its_paragraphs() -> None:
    text = "版权声明成为热议话题\n" + BODY + "\n版权声明中的格式条款是否有效，法院给出了答案。"
    assert apply_rules(text).endswith("法院给出了答案。")


def test_tail_rule_cuts_everything_after() -> None:
    text = BODY + "\n免责声明：\n1 本网转载的作品不代表本网观点。\n2 如有侵权请联系。"
    assert apply_rules(text) == BODY


def test_bad_rule_file_names_file_rule_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - name: broken\n    reason: r\n    scope: line\n    pattern: '(('\n",
                    encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules\.yaml: rules\[0\] \(broken\): bad pattern"):
        load_rules(path)
