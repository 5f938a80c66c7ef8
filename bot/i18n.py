"""Every text the bot writes, in English and Simplified Chinese. Pure.

A message is chosen per interaction by the user's locale (the server's for weekly posts):
`t(lang, key, **values)`. Both languages of a message take the same {placeholders}; a test
fails if a message exists in one language only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

LANGS = ("en", "zh")

# key: (English, 简体中文)
MESSAGES: Mapping[str, tuple[str, str]] = {
    # paper cards
    "card.untitled": ("Untitled paper", "无标题论文"),
    "card.pdf": ("PDF", "PDF"),
    "card.code": ("Code", "代码"),
    "card.link_n": ("link {n}", "链接 {n}"),
    "card.more": ("… and {n} more", "……另有 {n} 项"),
    "card.more_links": ("More links", "更多链接"),
    "card.tldr": ("TL;DR", "一句话总结"),
    "card.cited": ("cited {n} times", "被引用 {n} 次"),
    "card.cited_once": ("cited once", "被引用 1 次"),
    "card.place": ("{n} of {count} in {section}", "{section} 第 {n}/{count} 篇"),
    "card.only_in": ("the only paper in {section}", "{section} 中唯一的一篇"),
    "card.also_in": ("also in {sections}", "另见：{sections}"),
    # the full abstract (the Abstract button)
    "abstract.title": ("Abstract: {title}", "摘要：{title}"),
    "abstract.from_arxiv": ("Abstract from arXiv (metadata CC0)", "摘要来自 arXiv（元数据 CC0）"),
    "abstract.from_scholar": ("Abstract from Semantic Scholar", "摘要来自 Semantic Scholar"),
    "abstract.none": ("No abstract is known for this paper yet.", "暂时还没有这篇论文的摘要。"),
    # section listings
    "section.untitled": ("Untitled section", "未命名章节"),
    "section.count": ("{n} papers", "{n} 篇论文"),
    "section.count_one": ("1 paper", "1 篇论文"),
    "section.footer": (
        "Page {page}/{pages} · {count} · /section {slug}",
        "第 {page}/{pages} 页 · {count} · /章节 {slug}",
    ),
    "section.empty": ("No papers are listed in this section yet.", "这个章节还没有列出论文。"),
    # citations
    "cite.title": ("Cite: {title}", "引用：{title}"),
    "cite.note": ("BibTeX from the reading list", "根据阅读列表生成的 BibTeX"),
    "cite.shortened": ("shortened to fit Discord", "为适应 Discord 已缩短"),
    # buttons and menus
    "button.cite": ("Cite (BibTeX)", "引用 (BibTeX)"),
    "button.abstract": ("Abstract", "摘要"),
    "button.arxiv": ("arXiv", "arXiv"),
    "button.previous_in_section": ("◀ Previous in section", "◀ 本节上一篇"),
    "button.next_in_section": ("Next in section ▶", "本节下一篇 ▶"),
    "button.previous": ("◀ Previous", "◀ 上一页"),
    "button.next": ("Next ▶", "下一页 ▶"),
    "menu.other_paper": ("Open another paper", "打开另一篇论文"),
    "menu.from_page": ("Open a paper from this page", "打开本页的一篇论文"),
    "menu.these_papers": ("Open one of these papers", "打开其中一篇论文"),
    # /paper
    "paper.ambiguous": (
        "{n} papers fit {query} about equally; here is the first. Pick another below.",
        "有 {n} 篇论文与 {query} 同样匹配，这是第一篇。可在下方选择其他论文。",
    ),
    "paper.empty_query": (
        "Type a title, a nickname (t5, rwkv), an author or an arXiv id.",
        "请输入标题、简称（如 t5、rwkv）、作者或 arXiv 编号。",
    ),
    "paper.no_match": (
        "No paper in the reading list matches {query}.",
        "阅读列表中没有与 {query} 匹配的论文。",
    ),
    "paper.unknown_arxiv": (
        "arXiv {id} is not in the reading list.",
        "arXiv {id} 不在阅读列表中。",
    ),
    "paper.closest": ("Closest titles: {titles}", "最接近的标题：{titles}"),
    "paper.try": (
        "Try a title word, a model name, an author's surname or an arXiv link.",
        "可以试试标题中的词、模型名、作者姓氏或 arXiv 链接。",
    ),
    "paper.gone": (
        "That paper is no longer in the reading list: try /paper to find it again.",
        "这篇论文已不在阅读列表中，请用 /论文 重新查找。",
    ),
    # /search and the ranked list /paper shows for a topic
    "search.title": ("Search: {query}", "搜索：{query}"),
    "search.footer": (
        "Page {page}/{pages} · {n} papers, best first · /search",
        "第 {page}/{pages} 页 · 共 {n} 篇，按相关度排列 · /搜索",
    ),
    "search.footer_one": (
        "Page {page}/{pages} · 1 paper · /search",
        "第 {page}/{pages} 页 · 共 1 篇 · /搜索",
    ),
    "search.topic_one": (
        "No paper fits {query} for sure; this one fits it best. Open it below.",
        "没有论文与 {query} 确定匹配；这一篇最接近，可在下方打开。",
    ),
    "search.topic": (
        "Several papers fit {query}; here they are, best first. Open one below.",
        "有多篇论文与 {query} 相关，按相关度排列如下。可在下方打开其中一篇。",
    ),
    "search.not_yours": (
        "Only the person who asked can turn these pages: run /search yourself.",
        "只有提问的人可以翻页，请自己运行 /搜索。",
    ),
    "why.title": ("title", "标题"),
    "why.nickname": ("nickname", "简称"),
    "why.authors": ("authors", "作者"),
    "why.section": ("section", "章节"),
    "why.venue": ("venue", "发表于"),
    "why.code": ("code", "代码"),
    "why.link": ("link", "链接"),
    "why.citation": ("citation", "引用"),
    "help.search": (
        "Papers on a topic, best first, with the words that matched: a question, Chinese, a citation.",
        "按主题列出论文，最相关的在前，并标出匹配的词：可以是问题、中文或引用。",
    ),
    "button.invalid": ("This button is no longer valid.", "这个按钮已失效。"),
    # the console's previews of autocomplete and buttons
    "complete.heading": (
        "Typing /{command} {query}, Discord would offer:",
        "输入 /{command} {query} 时，Discord 会提示：",
    ),
    "complete.none": ("(no suggestions)", "（没有提示）"),
    "complete.usage": (
        "Type /complete, a command with autocomplete ({commands}) and what you would type: /complete paper mamb",
        "请输入 /complete、一个带自动补全的命令（{commands}）和要输入的内容：/complete paper mamb",
    ),
    "console.press": (
        "Press a button or menu entry by number or label: {choices}",
        "按编号或名称按下按钮或菜单项：{choices}",
    ),
    "console.weekly_usage": (
        "In the console: /weekly set monday 09:00 Asia/Shanghai, /weekly show, /weekly off or /weekly now (the console server has one channel, #console).",
        "在控制台中：/每周论文 设置 周一 09:00 Asia/Shanghai、/每周论文 查看、/每周论文 关闭 或 /每周论文 立即发布（控制台服务器只有一个频道 #console）。",
    ),
    "console.reload_preview": (
        "(console preview: nothing was stored; `readinglist-bot load` stores the list)",
        "（控制台预览：没有写入数据库；`readinglist-bot load` 才会保存列表）",
    ),
    "console.reload_session": (
        "The rest of this console session shows the list just read.",
        "本次控制台会话接下来使用刚读取的列表。",
    ),
    "console.reload_off": (
        "This console cannot preview /reload: start it with `readinglist-bot ask`.",
        "这个控制台无法预览 /重新加载：请用 `readinglist-bot ask` 启动。",
    ),
    "console.share_usage": (
        "In the console: /reading share on, or /reading share off (your name on the console "
        "server's reading board).",
        "在控制台中：/阅读记录 公开 on 或 /阅读记录 公开 off（在控制台服务器的阅读榜上公开你的名字）。",
    ),
    "console.button_off": ("That button is off.", "这个按钮当前不可用。"),
    "console.deleted": (
        "In Discord this removes the card (only the person who asked can); the console has "
        "nothing to remove.",
        "在 Discord 中这会删除这张卡片（只有提问的人可以）；控制台中没有可删除的内容。",
    ),
    "console.reading_usage": (
        "In the console: /reading list, /reading export, /reading forget, or /reading share "
        "on|off.",
        "在控制台中：/阅读记录 列表、/阅读记录 导出、/阅读记录 删除记录 或 /阅读记录 公开 on|off。",
    ),
    "console.one_channel": (
        "(The console server has one channel, #console: it stands for the channel you named.)",
        "（控制台服务器只有一个频道 #console，用它代替你指定的频道。）",
    ),
    # Discord's timestamps (<t:…:F>, <t:…:R>) as its client writes them, in the console (UTC)
    "time.date": ("{day} {month} {year}", "{year}年{month}月{day}日"),
    "time.weekday_date": ("{weekday}, {day} {month} {year}", "{year}年{month}月{day}日{weekday}"),
    "time.at": ("{date} {time} UTC", "{date} {time} UTC"),
    "time.clock": ("{time} UTC", "{time} UTC"),
    "time.in": ("in {span}", "{span}后"),
    "time.ago": ("{span} ago", "{span}前"),
    "time.seconds": ("a few seconds", "几秒"),
    "time.minutes": ("{n} minutes", "{n} 分钟"),
    "time.minutes_one": ("a minute", "1 分钟"),
    "time.hours": ("{n} hours", "{n} 小时"),
    "time.hours_one": ("an hour", "1 小时"),
    "time.days": ("{n} days", "{n} 天"),
    "time.days_one": ("a day", "1 天"),
    "time.months": ("{n} months", "{n} 个月"),
    "time.months_one": ("a month", "1 个月"),
    "time.years": ("{n} years", "{n} 年"),
    "time.years_one": ("a year", "1 年"),
    "console.bad_locale": (
        "unknown locale {locale}: use a Discord locale such as en-US or zh-CN",
        "未知的语言区域 {locale}：请使用 Discord 的语言区域，例如 en-US 或 zh-CN",
    ),
    # /random
    "random.heading": ("Random paper", "随机论文"),
    "random.none_in_list": (
        "There are no papers in the reading list yet.",
        "阅读列表中还没有论文。",
    ),
    "random.none_in_section": (
        "There are no papers in the section {name} yet.",
        "章节 {name} 中还没有论文。",
    ),
    # /section
    "section.page_invalid": (
        "This button is no longer valid: run /section again.",
        "这个按钮已失效，请重新运行 /章节。",
    ),
    "section.not_yours": (
        "Only the person who asked can turn these pages: run /section yourself.",
        "只有提问的人可以翻页，请自己运行 /章节。",
    ),
    "section.gone": (
        "That section is no longer in the reading list: run /section to see them all.",
        "这个章节已不在阅读列表中，运行 /章节 查看所有章节。",
    ),
    "section.no_match": (
        "No section matches {query}. The sections are:",
        "没有与 {query} 匹配的章节。所有章节如下：",
    ),
    "section.all": ("The sections are:", "所有章节如下："),
    "section.list_title": ("Sections", "章节"),
    # /author
    "author.no_match": (
        "No author in the reading list matches {query}. Try a surname, with or without accents.",
        "阅读列表中没有与 {query} 匹配的作者。请试试姓氏（可不带重音符号）。",
    ),
    "author.title": ("Papers by {name}", "{name} 的论文"),
    "author.footer": ("{n} papers in the reading list", "阅读列表中共 {n} 篇"),
    "author.footer_one": ("1 paper in the reading list", "阅读列表中共 1 篇"),
    "author.empty": (
        "Type an author's name after /author: a surname is enough, with or without accents.",
        "请在 /作者 后输入作者姓名：姓氏即可，可不带重音符号。",
    ),
    "author.also": ("Also matching: {names}", "其他匹配的作者：{names}"),
    # /help and /about
    "help.title": ("readinglist-bot", "阅读列表机器人"),
    "help.intro": (
        "Ask the reading list. Every command autocompletes as you type.",
        "查询阅读列表。所有命令在输入时都会自动补全。",
    ),
    "help.paper": (
        "Find a paper by title words, nickname, author or arXiv id.",
        "按标题中的词、简称、作者或 arXiv 编号查找论文。",
    ),
    "help.section": (
        "List a section of the reading list, page by page.",
        "分页列出阅读列表的一个章节。",
    ),
    "help.author": ("The papers of one author.", "某位作者的论文。"),
    "help.random": ("A paper picked at random.", "随机挑选一篇论文。"),
    "help.cite": ("The BibTeX entry of a paper.", "论文的 BibTeX 引用。"),
    "help.about": ("Which reading list is loaded, and when.", "当前加载的阅读列表及加载时间。"),
    "help.find": (
        "Right-click a message > Apps > Find in reading list: checks its links and titles.",
        "右键点击消息 > 应用 > 在阅读列表中查找：检查其中的链接和标题。",
    ),
    "help.weekly": (
        "Managers: a paper every week in a channel.",
        "管理员：每周在频道中发布一篇论文。",
    ),
    "help.reload": (
        "Managers: read the reading list again and report what changed.",
        "管理员：重新读取阅读列表，并报告有哪些变化。",
    ),
    "about.title": ("The reading list", "阅读列表"),
    "about.source": ("Loaded from", "来源"),
    "about.papers": ("Papers", "论文"),
    "about.entries": ("Entries", "条目"),
    "about.sections": ("Sections", "章节"),
    "about.loaded": ("Loaded", "加载时间"),
    "about.problems": ("{n} entries could not be read", "{n} 个条目无法读取"),
    "about.metadata": ("Paper metadata", "论文元数据"),
    "about.metadata_sources": (
        "Abstracts, categories and dates from the arXiv API (metadata CC0); TL;DRs, citation "
        "counts and venues from the Semantic Scholar Academic Graph API. Thank you to arXiv "
        "for use of its open access interoperability.",
        "摘要、分类和日期来自 arXiv API（元数据采用 CC0）；一句话总结、引用次数和发表场所来自 "
        "Semantic Scholar 学术图谱 API。感谢 arXiv 提供开放获取的互操作接口。",
    ),
    "about.metadata_counts": (
        "{abstracts} of {papers} papers have an abstract, {tldrs} a TL;DR, {cited} a citation count.",
        "{papers} 篇论文中 {abstracts} 篇有摘要，{tldrs} 篇有一句话总结，{cited} 篇有引用次数。",
    ),
    "about.metadata_off": (
        "Not fetched (READINGLIST_METADATA=off).",
        "未获取（READINGLIST_METADATA=off）。",
    ),
    "about.problems_one": ("1 entry could not be read", "1 个条目无法读取"),
    # the weekly paper
    "weekly.heading": ("Paper of the week", "本周论文"),
    "weekly.heading_in": ("Paper of the week · {section}", "本周论文 · {section}"),
    "weekly.off_here": (
        "The paper of the week is off here. A manager can turn it on with /weekly set.",
        "本服务器未开启每周论文。管理员可以用 /每周论文 设置 开启。",
    ),
    "weekly.goes_to": (
        "The paper of the week goes to {channel}: {schedule}.",
        "每周论文发布到 {channel}：{schedule}。",
    ),
    "weekly.next": ("Next post: {when}.", "下次发布：{when}。"),
    "weekly.last": ("Last: {status}", "上次：{status}"),
    "weekly.set": (
        "The paper of the week will go to {channel}: {schedule}. First post: {when}.",
        "每周论文将发布到 {channel}：{schedule}。首次发布：{when}。",
    ),
    "weekly.cant_post": (
        "I can't post there yet: give me {permissions} in {channel}.",
        "我还不能在那里发布：请在 {channel} 给我 {permissions} 权限。",
    ),
    "weekly.schedule": ("{day}s at {time} ({tz})", "每{day} {time}（{tz}）"),
    "weekly.bad_setting": ("{detail}", "设置无效：{detail}"),
    "weekly.turned_off": ("The paper of the week is off.", "每周论文已关闭。"),
    "weekly.was_off": ("The paper of the week was not on.", "每周论文本来就未开启。"),
    "weekly.choose_first": (
        "Choose a channel first with /weekly set.",
        "请先用 /每周论文 设置 选择频道。",
    ),
    "weekly.no_papers": ("The reading list has no papers to post.", "阅读列表中没有可发布的论文。"),
    "weekly.posted": ("Posted: {link}", "已发布：{link}"),
    "weekly.not_posted": ("Could not post: see /weekly show.", "发布失败：请查看 /每周论文 查看。"),
    "weekly.not_manager": (
        "Only members with the Manage Server permission can change the weekly paper.",
        "只有拥有“管理服务器”权限的成员可以修改每周论文。",
    ),
    "weekly.discussion": (
        "Discussion thread on each post: {thread}. Vote on the next paper a day before: {vote}.",
        "每篇发布开讨论串：{thread}。提前一天投票选下一篇：{vote}。",
    ),
    "weekly.board": (
        "Reading board of the papers of the week (/progress server:True): {board}.",
        "每周论文阅读榜（/进度 服务器:True）：{board}。",
    ),
    "weekly.on": ("on", "开启"),
    "weekly.off": ("off", "关闭"),
    "weekly.poll_question": (
        "Which paper should we read next week?",
        "下周我们读哪一篇论文？",
    ),
    # /reload
    "reload.not_owner": (
        "Only the bot's owner can reload the reading list.",
        "只有机器人的所有者可以重新加载阅读列表。",
    ),
    "reload.not_manager": (
        "Only members with the Manage Server permission can reload the reading list.",
        "只有拥有“管理服务器”权限的成员可以重新加载阅读列表。",
    ),
    "reload.kept": ("Kept the current reading list: {reason}", "保留当前阅读列表：{reason}"),
    "reload.unchanged": ("The reading list has not changed.", "阅读列表没有变化。"),
    "reload.done": ("Reloaded the reading list.", "已重新加载阅读列表。"),
    "reload.in_log": (
        "Only the first changes are named here; the bot's log has them all.",
        "这里只列出了部分变更，完整列表见机器人的日志。",
    ),
    # what a reload changed
    "diff.none": ("no changes", "没有变化"),
    "diff.added": ("{n} papers added", "新增 {n} 篇论文"),
    "diff.added_one": ("1 paper added", "新增 1 篇论文"),
    "diff.removed": ("{n} papers removed", "删除 {n} 篇论文"),
    "diff.removed_one": ("1 paper removed", "删除 1 篇论文"),
    "diff.moved": ("{n} papers moved", "{n} 篇论文移动了章节"),
    "diff.moved_one": ("1 paper moved", "1 篇论文移动了章节"),
    "diff.changed": ("{n} papers changed", "{n} 篇论文信息有变"),
    "diff.changed_one": ("1 paper changed", "1 篇论文信息有变"),
    # Find in reading list
    "find.nothing": (
        "I found no arXiv id, link or quoted title in that message.",
        "这条消息中没有找到 arXiv 编号、链接或带引号的标题。",
    ),
    "find.found": (
        "{found} of the {total} references are in the reading list.",
        "{total} 个引用中有 {found} 个在阅读列表中。",
    ),
    "find.found_one": (
        "1 of the {total} references is in the reading list.",
        "{total} 个引用中有 1 个在阅读列表中。",
    ),
    "find.found_all": (
        "All {total} references are in the reading list.",
        "{total} 个引用都在阅读列表中。",
    ),
    "find.found_single": ("The reference is in the reading list.", "这个引用在阅读列表中。"),
    "find.first": ("Showing the first {n}.", "只显示前 {n} 个。"),
    "find.missing": ("Not in the reading list: {ref}", "不在阅读列表中：{ref}"),
    "find.propose": (
        "To propose it, fill in this entry for the list's maintainers:",
        "如需推荐，请填写以下条目并提交给列表维护者：",
    ),
    # reading progress
    "button.read": ("Mark read / Unread", "标记已读 / 未读"),
    "weekly.no_vote_in_forum": (
        "votes cannot be posted in a forum channel",
        "论坛频道中不能发起投票",
    ),
    "weekly.missing_permission": ("missing permission {permission}", "缺少权限 {permission}"),
    "button.save": ("Save for later", "稍后阅读"),
    "button.delete": ("🗑", "🗑"),
    "button.forget": ("Delete my reading history", "删除我的阅读记录"),
    "reading.marked_read": ("Marked as read: {title}", "已标记为已读：{title}"),
    "reading.unmarked_read": ("Marked as unread: {title}", "已标记为未读：{title}"),
    "reading.saved": ("Saved for later: {title}", "已加入稍后阅读：{title}"),
    "reading.unsaved": ("No longer saved for later: {title}", "已移出稍后阅读：{title}"),
    "reading.again": (
        "Press the same button again to undo. Only you see this; /progress shows how far you are.",
        "再按一次同一按钮即可撤销。只有你能看到这条消息；/进度 显示你的阅读进度。",
    ),
    "reading.empty": (
        "You have not marked any paper yet: press Mark read or Save for later on a paper card.",
        "你还没有标记任何论文：在论文卡片上按“标记已读”或“稍后阅读”。",
    ),
    "reading.title": ("Your reading list", "你的阅读记录"),
    "reading.footer": (
        "Page {page}/{pages} · {n} papers · /reading list",
        "第 {page}/{pages} 页 · 共 {n} 篇 · /阅读记录 列表",
    ),
    "reading.footer_one": (
        "Page {page}/{pages} · 1 paper · /reading list",
        "第 {page}/{pages} 页 · 共 1 篇 · /阅读记录 列表",
    ),
    "reading.read_on": ("read {date}", "{date} 已读"),
    "reading.saved_on": ("saved {date}", "{date} 收藏"),
    "reading.unlisted": ("no longer listed", "已不在列表中"),
    "reading.not_yours": (
        "Only the person who asked can remove this card.",
        "只有提问的人可以删除这张卡片。",
    ),
    "progress.title": ("Your reading progress", "你的阅读进度"),
    "progress.line": (
        "`{bar}` {section}: {read} of {total} read",
        "`{bar}` {section}：已读 {read}/{total}",
    ),
    "progress.saved": ("{n} saved", "收藏 {n} 篇"),
    "progress.total": (
        "In all: {read} of {total} papers read, {saved} saved for later",
        "合计：{total} 篇中已读 {read} 篇，稍后阅读 {saved} 篇",
    ),
    "progress.how": (
        "mark papers with the buttons on their cards",
        "用论文卡片上的按钮标记论文",
    ),
    "progress.more": (
        "… and {n} more sections: /progress section",
        "……另有 {n} 个章节：/进度 章节",
    ),
    "progress.more_one": (
        "… and 1 more section: /progress section",
        "……另有 1 个章节：/进度 章节",
    ),
    "next.heading": ("Next for you", "你的下一篇"),
    "next.done": (
        "You have read every paper of the reading list.",
        "你已经读完了阅读列表中的所有论文。",
    ),
    "next.done_section": (
        "You have read every paper in {section}.",
        "你已经读完了 {section} 的所有论文。",
    ),
    "export.title": ("My reading list", "我的阅读列表"),
    "export.read": ("Read", "已读"),
    "export.saved": ("Saved for later", "稍后阅读"),
    "export.gone": ("No longer listed", "已不在列表中"),
    "export.done": (
        "Your list: {read}, {saved} saved for later, as markdown and BibTeX.",
        "你的列表：{read}，稍后阅读 {saved} 篇，附 markdown 和 BibTeX 文件。",
    ),
    "export.read_count": ("{n} papers read", "已读 {n} 篇"),
    "export.read_count_one": ("1 paper read", "已读 1 篇"),
    "forget.nothing": ("Nothing is stored about you.", "没有存储任何关于你的信息。"),
    "forget.confirm": (
        "This deletes everything stored about you: {n} marked papers (read and saved, with "
        "their times), and the servers where they count on the reading board (with whether "
        "your name is shown there). It cannot be undone.",
        "这将删除存储的关于你的所有信息：{n} 篇标记过的论文（已读和稍后阅读及其时间），"
        "以及它们计入阅读榜的服务器（和你是否在那里公开名字），且无法撤销。",
    ),
    "forget.confirm_one": (
        "This deletes everything stored about you: 1 marked paper (read or saved, with its "
        "times), and the servers where it counts on the reading board (with whether your "
        "name is shown there). It cannot be undone.",
        "这将删除存储的关于你的所有信息：1 篇标记过的论文（已读或稍后阅读及其时间），"
        "以及它计入阅读榜的服务器（和你是否在那里公开名字），且无法撤销。",
    ),
    "forget.done": (
        "Done: {n} marks deleted. Nothing is stored about you any more.",
        "已完成：删除了 {n} 条标记。不再存储任何关于你的信息。",
    ),
    "forget.done_one": (
        "Done: 1 mark deleted. Nothing is stored about you any more.",
        "已完成：删除了 1 条标记。不再存储任何关于你的信息。",
    ),
    "about.stored": ("What is stored about you", "存储了你的哪些信息"),
    "about.stored_text": (
        "Only what you mark: for each paper you mark read or save for later, your Discord user "
        "id, the paper's id and title, and when; and the ids of the servers where you used "
        "them, so a server's reading board can count you (by name only where you turned on "
        "/reading share). Nothing else (no messages, no names). /reading export gives you "
        "your marks, /reading forget deletes all of it.",
        "只有你标记的内容：每篇你标记为已读或稍后阅读的论文，记录你的 Discord 用户 ID、论文编号和标题以及时间；"
        "以及你在哪些服务器中使用过它们（服务器 ID），以便服务器的阅读榜计入你（只有你用 /阅读记录 公开 "
        "开启后才显示名字）。不存储其他任何信息（没有消息，没有名字）。用 /阅读记录 导出 可导出你的标记，"
        "用 /阅读记录 删除记录 可删除全部。",
    ),
    "help.progress": (
        "Your reading progress, per section; server:True shows this server's reading board.",
        "按章节显示你的阅读进度；服务器:True 显示本服务器的阅读榜。",
    ),
    "board.title": ("This server's reading board", "本服务器的阅读榜"),
    "board.read_by": ("read by {n} members", "{n} 位成员读过"),
    "board.read_by_one": ("read by 1 member", "1 位成员读过"),
    "board.read_by_none": ("not read by a member yet", "还没有成员读过"),
    "board.more_names": ("and {n} more", "等另外 {n} 人"),
    "board.footer": (
        "Page {page}/{pages} · {n} posted, newest first · names only of members who chose "
        "/reading share",
        "第 {page}/{pages} 页 · 共发布 {n} 篇，最新的在前 · 只显示用 /阅读记录 公开 选择公开的成员名字",
    ),
    "board.empty": (
        "No paper of the week has been posted in this server yet.",
        "本服务器还没有发布过每周论文。",
    ),
    "board.off": (
        "The reading board is off in this server. A server manager can turn it on with "
        "/weekly set … board:True.",
        "本服务器的阅读榜未开启。服务器管理员可以用 /每周论文 设置 … 阅读榜:True 开启。",
    ),
    "board.server_only": (
        "The reading board belongs to a server: use it in a server the bot is in.",
        "阅读榜属于服务器：请在机器人所在的服务器中使用。",
    ),
    "share.on": (
        "Your name is now shown under the counts of this server's reading board.",
        "你的名字现在会显示在本服务器阅读榜的人数下方。",
    ),
    "share.off": (
        "Your name is no longer shown on this server's reading board; what you read is still "
        "counted, without your name.",
        "你的名字不再显示在本服务器的阅读榜上；你读过的论文仍会计入人数，但不显示名字。",
    ),
    "share.board_off": (
        "The board is off here for now: a server manager can turn it on with "
        "/weekly set … board:True.",
        "本服务器的阅读榜目前未开启：服务器管理员可以用 /每周论文 设置 … 阅读榜:True 开启。",
    ),
    "help.next": (
        "The first paper you have not read, in the list's order.",
        "按列表顺序，你还没读的第一篇论文。",
    ),
    "help.reading": (
        "Your marked papers; export them (markdown, BibTeX), show your name on this server's "
        "reading board, or delete them.",
        "你标记的论文；导出（markdown、BibTeX）、在本服务器的阅读榜上公开名字，或删除。",
    ),
    # the weekly statuses (/weekly show) and why a post could not be sent
    "weekly.status_posted": ("posted {week}", "已发布 {week}"),
    "weekly.status_now_failed": (
        "/weekly now failed: {reason}",
        "/每周论文 立即发布 失败：{reason}",
    ),
    "weekly.status_no_thread": ("no thread: {reason}", "未开讨论串：{reason}"),
    "weekly.status_no_vote": ("no vote: {reason}", "未发起投票：{reason}"),
    "weekly.status_thread_retry": (
        "no thread yet (try {attempt} of {most}), will try again: {reason}",
        "讨论串尚未开启（第 {attempt}/{most} 次尝试），将再试：{reason}",
    ),
    "weekly.status_thread_gave_up": (
        "gave up on the thread after {attempts} tries: {reason}",
        "尝试 {attempts} 次后放弃开讨论串：{reason}",
    ),
    "weekly.status_vote_retry": (
        "no vote yet (try {attempt} of {most}), will try again: {reason}",
        "投票尚未发起（第 {attempt}/{most} 次尝试），将再试：{reason}",
    ),
    "weekly.status_vote_gave_up": (
        "gave up on the vote after {attempts} tries: {reason}",
        "尝试 {attempts} 次后放弃发起投票：{reason}",
    ),
    "weekly.status_retry": ("will retry {week}: {reason}", "将重试 {week}：{reason}"),
    "weekly.status_gave_up": ("gave up on {week}: {reason}", "已放弃 {week}：{reason}"),
    "weekly.paper_gone": ("the paper left the reading list", "这篇论文已不在阅读列表中"),
    "weekly.not_text_channel": ("the channel is not a text channel", "这个频道不是文字频道"),
    "weekly.forbidden": ("missing permission to post in the channel", "没有在这个频道发布的权限"),
    "weekly.channel_gone": ("the channel no longer exists", "这个频道已不存在"),
    "weekly.discord_status": ("Discord answered {status}", "Discord 返回了 {status}"),
    # what a server manager typed for /weekly set
    "schedule.not_day": (
        "{text} is not a day of the week. Type a day such as Monday, mon or 周一.",
        "{text} 不是星期几。请输入例如 Monday、mon 或 周一。",
    ),
    "schedule.not_time": (
        "{text} is not a time of day. Type a time such as 09:00, 21:30 or 9pm.",
        "{text} 不是时间。请输入例如 09:00、21:30 或 9pm。",
    ),
    "schedule.ambiguous_zone": (
        "{text} names several time zones: type the one you mean, {choices}.",
        "{text} 可以指多个时区：请输入你指的那个，{choices}。",
    ),
    "schedule.offset": (
        "{text} is an offset, and offsets do not follow daylight saving time. "
        "Type the time zone of a place, such as Europe/Berlin or Asia/Shanghai.",
        "{text} 是时差，而时差不随夏令时变化。请输入一个地方的时区，例如 Europe/Berlin 或 Asia/Shanghai。",
    ),
    "schedule.not_zone": (
        "{text} is not a time zone. Type a name such as Europe/Berlin, America/New_York or "
        "Asia/Shanghai.",
        "{text} 不是时区。请输入时区名，例如 Europe/Berlin、America/New_York 或 Asia/Shanghai。",
    ),
    "schedule.not_zone_close": (
        "{text} is not a time zone. Did you mean {choices}? Type a name such as Europe/Berlin, "
        "America/New_York or Asia/Shanghai.",
        "{text} 不是时区。你是指 {choices} 吗？请输入时区名，例如 Europe/Berlin、America/New_York "
        "或 Asia/Shanghai。",
    ),
    "schedule.bad_weekday": (
        "weekday must be 0 (Monday) to 6 (Sunday), not {weekday}",
        "星期必须是 0（周一）到 6（周日），而不是 {weekday}",
    ),
    "schedule.aware_time": (
        "at is a local wall-clock time; its zone goes in tz",
        "at 是当地时间，时区应写在 tz 中",
    ),
    "schedule.no_zone": ("{text} is not a time zone", "{text} 不是时区"),
    "schedule.not_place": ("{text} is not the time zone of a place", "{text} 不是某个地方的时区"),
    # a reading list that cannot be read or used
    "source.error": ("{source}: {reason}", "{source}: {reason}"),
    "source.utf16": (
        "is UTF-16 text, not UTF-8: save it as UTF-8",
        "是 UTF-16 文本，不是 UTF-8：请另存为 UTF-8",
    ),
    "source.binary": (
        "is a binary file, not a markdown reading list",
        "是二进制文件，不是 markdown 阅读列表",
    ),
    "source.not_utf8": (
        "not UTF-8 text (byte {byte}): save it as UTF-8 and load it again",
        "不是 UTF-8 文本（第 {byte} 字节）：请另存为 UTF-8 后重新加载",
    ),
    "source.scheme": (
        "unsupported scheme {scheme}: use a path or http(s)",
        "不支持的协议 {scheme}：请使用文件路径或 http(s)",
    ),
    "source.cannot_read": ("cannot read: {why}", "无法读取：{why}"),
    "source.bad_url": ("not a valid URL", "不是有效的 URL"),
    "source.no_host": ("not a valid URL (no host)", "不是有效的 URL（没有主机名）"),
    "source.http": ("HTTP {status}{reason}", "HTTP {status}{reason}"),
    "source.too_large": ("larger than {size}", "超过 {size}"),
    "source.timeout": ("timed out after {seconds} s", "{seconds} 秒后超时"),
    "source.redirects": ("more than {n} redirects", "重定向超过 {n} 次"),
    "source.bad_redirect": (
        "redirected to an invalid or non-HTTP URL",
        "被重定向到无效的或非 HTTP 的 URL",
    ),
    "source.no_such_host": ("cannot find host {host}", "找不到主机 {host}"),
    "source.cannot_connect": ("cannot connect to {host}: {why}", "无法连接到 {host}：{why}"),
    "source.connection_failed": ("connection failed", "连接失败"),
    "source.disconnected": ("the server closed the connection", "服务器关闭了连接"),
    "source.broke": ("the connection broke while reading", "读取时连接中断"),
    "source.failed": ("request failed ({kind})", "请求失败（{kind}）"),
    "catalogue.empty": (
        "no sections or entries found in {sources}: is it a reading list?",
        "在 {sources} 中没有找到章节或条目：这是阅读列表吗？",
    ),
    "catalogue.drops_most": (
        "the new list would remove {removed} of {total} papers, so it was not loaded (check "
        "the source; `load --force` or /reload force:True takes it anyway)",
        "新列表会删除 {total} 篇论文中的 {removed} 篇，所以没有加载（请检查来源；"
        "`load --force` 或 /重新加载 强制:True 可以强制采用）",
    ),
    "catalogue.other_list": (
        "{error} (the database {db} holds another list, {sources}, which is not served in "
        "its place)",
        "{error}（数据库 {db} 保存的是另一个列表 {sources}，不会用它代替）",
    ),
    # text that has no key (a status stored before statuses had keys)
    "plain": ("{text}", "{text}"),
    "console.only_you": ("(only you can see this)", "（只有你能看到）"),
    "console.off": ("(off)", "（不可用）"),
    # errors
    "error.sorry": (
        "Sorry, something went wrong on our side. It has been logged; please try again.",
        "抱歉，我们这边出了问题，已记录下来，请再试一次。",
    ),
    "error.not_allowed": (
        "You can't use this command here: it may need a permission you don't have, or a "
        "server rather than a direct message.",
        "你不能在这里使用这个命令：它可能需要你没有的权限，或者只能在服务器中使用，不能在私信中使用。",
    ),
    "error.store": (
        "The bot's database can't be written right now (read-only or full), so nothing was "
        "changed. Please try again later.",
        "机器人的数据库暂时无法写入（只读或已满），没有做任何更改。请稍后再试。",
    ),
    "error.unknown_command": (
        "Unknown command /{name}. The commands are {known}.",
        "未知命令 /{name}。可用命令：{known}。",
    ),
}

DAYS = (
    ("Monday", "周一"),
    ("Tuesday", "周二"),
    ("Wednesday", "周三"),
    ("Thursday", "周四"),
    ("Friday", "周五"),
    ("Saturday", "周六"),
    ("Sunday", "周日"),
)

# English month names (Chinese dates number the month: 2026年12月7日).
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def lang_of(locale: object) -> str:
    """The language for a Discord locale: Chinese (zh-CN, zh-TW) reads Simplified Chinese;
    every other locale English."""
    return "zh" if str(locale or "").lower().startswith("zh") else "en"


def t(lang: str, key: str, **values: object) -> str:
    """The message `key` in `lang`, with its {placeholders} filled. A count `n` of 1 takes
    the message's singular form `key_one` where it has one ("1 paper", not "1 papers")."""
    if values.get("n") == 1 and f"{key}_one" in MESSAGES:
        key = f"{key}_one"
    english, chinese = MESSAGES[key]
    return (chinese if lang == "zh" else english).format(**values)


def _or(names: Sequence[str], lang: str) -> str:
    """Alternatives: `a, b or c`, or `a、b 或 c`."""
    comma, word = ("、", " 或 ") if lang == "zh" else (", ", " or ")
    return names[0] if len(names) == 1 else f"{comma.join(names[:-1])}{word}{names[-1]}"


def _rendered(value: object, lang: str) -> object:
    if isinstance(value, (Message, Failure)):
        return value.render(lang)
    if isinstance(value, (tuple, list)):  # alternatives to choose from
        return _or([str(v) for v in value], lang) if value else ""
    return value


@dataclass(frozen=True, slots=True)
class Message:
    """A message not yet put into words: its key and parameters, rendered in the reader's
    language at the edge. A parameter that is a Message or Failure renders in the same
    language; a tuple of strings renders as alternatives ("a, b or c")."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        """The message in `lang`."""
        return t(lang, self.key, **{k: _rendered(v, lang) for k, v in self.params.items()})

    def to_data(self) -> dict[str, Any]:
        """JSON-ready data: {"key": ..., "params": {...}}, nested messages as the same."""
        return {"key": self.key, "params": {k: _data(v) for k, v in self.params.items()}}

    def to_json(self) -> str:
        """The message as JSON text, for storing."""
        return json.dumps(self.to_data(), ensure_ascii=False)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Message:
        """The message of `to_data`."""
        params = data.get("params") or {}
        return cls(str(data["key"]), {k: _undata(v) for k, v in params.items()})

    @classmethod
    def from_json(cls, text: str) -> Message:
        """A stored message; text stored before messages had keys (or not JSON of one) is
        shown as it is."""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("key") in MESSAGES:
            return cls.from_data(data)
        return cls("plain", {"text": text})


def _data(value: object) -> object:
    if isinstance(value, (Message, Failure)):
        return value.message.to_data() if isinstance(value, Failure) else value.to_data()
    if isinstance(value, tuple):
        return list(value)
    return value


def _undata(value: object) -> object:
    if isinstance(value, dict) and "key" in value:
        return Message.from_data(value)
    if isinstance(value, list):
        return tuple(value)
    return value


class Failure(Exception):
    """An error that users may read: a message key and parameters, rendered by `render(lang)`
    in the reader's language; str() is the English sentence, for logs and the CLI."""

    def __init__(self, key: str, **params: object) -> None:
        self.message = Message(key, params)
        super().__init__(self.message.render("en"))

    @property
    def key(self) -> str:
        """The message key."""
        return self.message.key

    @property
    def params(self) -> Mapping[str, object]:
        """The message's parameters."""
        return self.message.params

    def render(self, lang: str) -> str:
        """The error in `lang`."""
        return self.message.render(lang)


def day_name(lang: str, weekday: int) -> str:
    """The name of a weekday (0 = Monday)."""
    return DAYS[weekday][1 if lang == "zh" else 0]
