"""Who may change how duty records are scored (django-rules predicates)."""

from district.predicates import edits_district_rules

# The office that sets the year's assessment rules on 规则设置 (the clerk, and the system administrator)
# also sets the scoring rules and grade marks, corrects a member's counted items and answers their
# questions. The research, proposal and information offices record activities (谁组织谁记录); they do not
# set the points of their own kind of work. One predicate for the pages that offer and the services
# that guard.
edits_duty_scoring = edits_district_rules
