"""Default duty-record scoring rules: the Tongcheng scheme (domain.md §6, source [S26]).

Tongcheng (桐城) passes a member at 60. Here a member's total is the sum of the items' points
(`insight.selectors.duty.SCALE_LABEL`), not a 100-point scale: items without a cap (proposals,
reports, speeches) keep adding, so an active member's total passes 100. Its table gives: other activities 2 each,
at most 10; a written speech 5; a proposal submitted 10 and filed +15, co-signers half; a 社情民意
report 10 and adopted +5 (at most 15); standing-committee members lose 2 for leave and 5 for an
unexcused absence. Activities Tongcheng does not list separately (research, workstation duty,
micro and community consultations) are scored as its "other activities": 2 each, at most 10 per
item. Key and excellent proposals carry no bonus in Tongcheng (0 here; the office may set one).
Plenary attendance (全体会议, a meeting of kind "plenary"): 50 present, 30 on leave, 0 absent.

Rows: (item, variant, points, cap or None, note). Data, not user interface text: the notes are the
district's text (the office may reword them), seeded with the English below (`ScoringRule.note_en`,
shown to English readers).
"""

EFFECTIVE_YEAR = 2000
OTHER = "按桐城“其他活动每次2分，最多10分”计"

DEFAULT_RULES = [
    ("plenary", "present", "50", None, "桐城：全体会议出席50分"),
    ("plenary", "excused", "30", None, "桐城：全体会议请假30分"),
    ("plenary", "absent", "0", None, "桐城：全体会议无故缺席0分"),
    ("standing", "present", "0", None, "桐城：常委会出席不另计分"),
    ("standing", "excused", "-2", None, "桐城：常委会请假扣2分"),
    ("standing", "absent", "-5", None, "桐城：常委会无故缺席扣5分"),
    ("meeting", "present", "2", "10", "桐城：其他活动每次2分，最多10分"),
    ("meeting", "excused", "0", None, "桐城：未规定"),
    ("meeting", "absent", "0", None, "桐城：未规定"),
    ("speech", "", "5", None, "桐城：书面发言每篇5分"),
    ("proposal", "lead", "10", None, "桐城：提交提案10分"),
    ("proposal", "joint", "5", None, "桐城：联名提案减半"),
    ("proposal", "filed_lead", "15", None, "桐城：立案加15分"),
    ("proposal", "filed_joint", "7.5", None, "桐城：联名提案减半"),
    ("proposal", "key", "0", None, "桐城：未规定"),
    ("proposal", "excellent", "0", None, "桐城：未规定"),
    ("opinion", "submitted", "10", None, "桐城：社情民意每篇10分"),
    ("opinion", "adopted", "5", "15", "桐城：被采用加5分（最多15分）"),
    ("research", "group", "2", "10", OTHER),
    ("research", "visit", "2", "10", OTHER),
    ("reception", "duty_day", "2", "10", OTHER),
    ("reception", "contact", "2", "10", OTHER),
    ("micro", "present", "2", "10", OTHER),
    ("community", "present", "2", "10", OTHER),
    # A duty group's livelihood issue (民生问题), credited to the member who collected and recorded it
    # (insight migration 0006): collecting one is an "other activity"; its resolution is not scored.
    ("duty_group", "collected", "2", "10", OTHER),
    ("duty_group", "resolved", "0", None, "桐城：未规定"),
]

# The English of each default note, seeded into `ScoringRule.note_en` (insight migration 0005).
DEFAULT_NOTES_EN = {
    "桐城：全体会议出席50分": "Tongcheng: plenary session attended, 50 points",
    "桐城：全体会议请假30分": "Tongcheng: plenary session missed with leave, 30 points",
    "桐城：全体会议无故缺席0分": "Tongcheng: plenary session missed without leave, 0 points",
    "桐城：常委会出席不另计分": "Tongcheng: no extra points for attending the standing committee",
    "桐城：常委会请假扣2分": "Tongcheng: standing committee missed with leave, minus 2 points",
    "桐城：常委会无故缺席扣5分": "Tongcheng: standing committee missed without leave, minus 5 points",
    "桐城：其他活动每次2分，最多10分": "Tongcheng: other activities, 2 points each, at most 10",
    "桐城：未规定": "Tongcheng: not specified",
    "桐城：书面发言每篇5分": "Tongcheng: written speech, 5 points each",
    "桐城：提交提案10分": "Tongcheng: proposal submitted, 10 points",
    "桐城：联名提案减半": "Tongcheng: half for a joint proposal",
    "桐城：立案加15分": "Tongcheng: proposal filed, plus 15 points",
    "桐城：社情民意每篇10分": "Tongcheng: public-opinion report, 10 points each",
    "桐城：被采用加5分（最多15分）": "Tongcheng: adopted, plus 5 points (at most 15)",
    OTHER: 'Scored as Tongcheng\'s "other activities": 2 points each, at most 10',
}
