"""Chinese names and descriptions of the commands, for Discord's zh-CN client.

discord.py asks the tree's Translator for every command, option and choice name and
description when it syncs; Discord shows the localisation to users whose client is in that
locale. Names keep Discord's rules (lowercase, no spaces, at most 32 characters).
"""

from __future__ import annotations

from discord import Locale, app_commands

# English text as written in the cogs -> Simplified Chinese.
ZH: dict[str, str] = {
    # command and option names
    "paper": "论文",
    "search": "搜索",
    "question": "问题",
    "cite": "引用",
    "author": "作者",
    "random": "随机",
    "section": "章节",
    "help": "帮助",
    "about": "关于",
    "weekly": "每周论文",
    "set": "设置",
    "show": "查看",
    "off": "关闭",
    "now": "立即发布",
    "reload": "重新加载",
    "query": "查询",
    "name": "名称",
    "channel": "频道",
    "day": "星期",
    "time": "时间",
    "timezone": "时区",
    "force": "强制",
    "Find in reading list": "在阅读列表中查找",
    "progress": "进度",
    "next": "下一篇",
    "reading": "阅读记录",
    "list": "列表",
    "export": "导出",
    "forget": "删除记录",
    "server": "服务器",
    "share": "公开",
    "show_name": "显示名字",
    "board": "阅读榜",
    # descriptions
    "Find a paper by title, nickname, author or arXiv id": "按标题、简称、作者或 arXiv 编号查找论文",
    "A title, a model name (rwkv, t5), an author or an arXiv link": "标题、模型名（rwkv、t5）、作者或 arXiv 链接",
    "The BibTeX entry of a paper": "论文的 BibTeX 引用",
    "Papers on a topic, best first, 10 a page": "按主题列出论文，最相关的在前，每页 10 篇",
    "A question, topic words, Chinese words or a pasted citation": "问题、主题词、中文词语或粘贴的引用",
    "A title, a model name, an author or an arXiv link": "标题、模型名、作者或 arXiv 链接",
    "The papers of one author": "某位作者的论文",
    "An author's name or surname, any order, accents optional": "作者姓名或姓氏，顺序不限，可不带重音符号",
    "A paper from the reading list, picked at random": "从阅读列表中随机挑选一篇论文",
    "Only from this section (optional)": "只从这个章节中挑选（可选）",
    "List a section of the reading list, page by page": "分页列出阅读列表的一个章节",
    "A section: its English name, slug or original heading": "章节：中文标题、英文名或简称",
    "What each command does, with examples": "每个命令的用途和示例",
    "Which reading list is loaded, and when": "当前加载的阅读列表及加载时间",
    "The paper of the week": "每周论文",
    "Post a paper every week in a channel": "每周在一个频道中发布一篇论文",
    "Where to post": "发布到哪个频道",
    "Day of the week": "星期几",
    "Local time, e.g. 09:00": "当地时间，例如 09:00",
    "IANA time zone, e.g. Asia/Shanghai (default UTC)": "IANA 时区，例如 Asia/Shanghai（默认 UTC）",
    "Where and when the paper of the week is posted": "每周论文的发布频道和时间",
    "Stop posting the paper of the week": "停止发布每周论文",
    "Post a paper of the week now": "立即发布一篇每周论文",
    "Read the reading list again and report what changed": "重新读取阅读列表并报告变化",
    "Take the new list even if it removes most papers": "即使新列表删除了大部分论文也采用",
    "Your marked papers": "你标记的论文",
    "thread": "讨论串",
    "vote": "投票",
    "Open a discussion thread on each post": "为每篇发布开一个讨论串",
    "Let members vote a day before on the next paper": "让成员提前一天投票选出下一篇论文",
    "The papers you marked read or saved": "你标记为已读或稍后阅读的论文",
    "Your papers as a markdown list and a BibTeX file": "以 markdown 列表和 BibTeX 文件导出你的论文",
    "Delete everything stored about you": "删除存储的关于你的所有信息",
    "How many papers you have read, per section": "按章节显示你读了多少篇论文",
    "Only this section (optional)": "只看这个章节（可选）",
    "The first paper you have not read yet": "你还没读的第一篇论文",
    "Show this server's board: how many members read each paper of the week": "查看本服务器的阅读榜：每篇每周论文有多少成员读过",
    "Show your name on this server's reading board, or stop": "在本服务器的阅读榜上公开你的名字，或取消",
    "True: your name under the counts; False: counted without it": "True：在人数下方显示你的名字；False：计入人数但不显示名字",
    "Let members see how many of them read each post (/progress server)": "让成员查看每篇发布有多少人读过（/进度 服务器）",
}


class Translator(app_commands.Translator):
    """Simplified Chinese for zh-CN (and zh-TW, which reads it); other locales keep English."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale not in (Locale.chinese, Locale.taiwan_chinese):
            return None
        return ZH.get(string.message)
