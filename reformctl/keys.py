"""The plan's keys as a clerk says them: a message names a key in Chinese, with the key itself
after it in brackets for the one who edits the file (历史记录（history）应为列表)."""

from __future__ import annotations

KEY_NAMES = {
    "version": "格式版本", "document": "文件信息", "title": "标题", "notice": "通知", "number": "文号",
    "issuer": "发文机关", "recipients": "主送", "signed": "成文日期", "printed": "印发日期",
    "published": "发布日期", "cc": "抄送", "attachment": "附件", "body": "正文", "office": "办公室",
    "preamble": "前言", "requirements": "总体要求", "goals": "主要目标", "principles": "基本原则",
    "safeguards": "组织保障", "groups": "分组", "group": "分组", "tasks": "重点任务", "tasks_note": "任务说明",
    "departments": "部门", "partners": "合作单位", "unit": "单位", "parent": "上级计划", "level": "级别",
    "id": "编号", "name": "名称", "short": "简称", "email": "电子邮箱", "phone": "电话", "text": "内容",
    "items": "编号事项", "lead": "牵头部门", "participants": "参与部门", "status": "状态", "due": "期限",
    "deadline": "完成时限", "history": "历史记录", "implements": "落实的上级事项", "owner": "责任人",
    "contact": "联系方式", "date": "日期", "from": "原状态", "from_due": "调整前的期限", "note": "说明",
    "by": "记录人", "links": "证明材料", "reminded": "催办", "to": "催办对象", "reply_by": "回复期限",
}  # fmt: skip


def key_said(key: object) -> str:
    """牵头部门（lead）: a key in Chinese, the key itself after it; a key not known, as it is."""
    name = KEY_NAMES.get(str(key)) or KEY_NAMES.get(str(key).removeprefix("from_"))
    if name and str(key).startswith("from_") and str(key) not in KEY_NAMES:
        name = f"调整前的{name}"
    return f"{name}（{key}）" if name else str(key)
