from constance import config


def test_district_rules_have_the_seed_defaults(db):
    assert config.PROPOSAL_REPLY_DAYS == 90
    assert config.PLAN_APPROVAL_CHAIN.split(",")[0] == "chairs_meeting"
