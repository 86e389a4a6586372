"""The vocabularies of a case: channels, categories, statuses, risk levels, resolution types."""

from enum import StrEnum


class Channel(StrEnum):
    hotline = "hotline"  # 12338 热线
    visit = "visit"  # 来访
    letter = "letter"  # 来信
    online = "online"  # 网上
    mobile_app = "mobile_app"
    partner_referral = "partner_referral"  # 转介, incl. the 110 domestic-violence alarm
    outreach = "outreach"  # 家访 / 病访 by village cadres
    petition = "petition"  # 信访转办


class Category(StrEnum):
    domestic_violence = "domestic_violence"  # 家庭暴力
    marriage_family = "marriage_family"  # 婚姻家庭
    property_rights = "property_rights"  # 土地/财产权益
    labour_rights = "labour_rights"  # 劳动权益
    sexual_harassment = "sexual_harassment"  # 性骚扰
    trafficking = "trafficking"  # 拐卖
    children_rights = "children_rights"  # 儿童权益
    personal_rights = "personal_rights"  # 人身权利
    other = "other"


SUBCATEGORIES: dict[Category, frozenset[str]] = {
    Category.domestic_violence: frozenset({"physical", "psychological", "sexual", "economic"}),
    Category.marriage_family: frozenset({"divorce", "custody", "maintenance", "property"}),
    Category.property_rights: frozenset({"land_contract", "land_compensation", "homestead", "inheritance"}),
    Category.labour_rights: frozenset({"equal_pay", "pregnancy_dismissal", "special_protection", "social_insurance"}),
    Category.children_rights: frozenset({"left_behind", "neglect", "abuse", "schooling"}),
}


class Status(StrEnum):
    received = "received"  # 登记
    accepted = "accepted"  # 受理
    declined = "declined"  # 不予受理
    in_progress = "in_progress"  # 办理中
    resolved = "resolved"  # 办结
    followed_up = "followed_up"  # 回访
    archived = "archived"  # 归档


OPEN_STATUSES = (Status.received, Status.accepted, Status.in_progress)


class RiskLevel(StrEnum):
    low = "low"  # 蓝
    medium = "medium"  # 黄
    high = "high"  # 橙
    critical = "critical"  # 红


RISK_RANK = {RiskLevel.low: 0, RiskLevel.medium: 1, RiskLevel.high: 2, RiskLevel.critical: 3}
URGENT_LEVELS = frozenset({RiskLevel.high, RiskLevel.critical})


class ResolutionType(StrEnum):
    mediated = "mediated"  # 调解成功
    advised = "advised"  # 咨询解答
    referred = "referred"  # 转介相关部门处理
    legal_action = "legal_action"  # 诉讼/保护令/法律援助
    administrative = "administrative"  # 协调有关部门解决
    withdrawn = "withdrawn"  # 当事人撤回
    unresolvable = "unresolvable"  # 无法解决, 已释法说理


class ComplainantKind(StrEnum):
    victim = "victim"  # the victim herself
    other = "other"
    anonymous = "anonymous"


class Relationship(StrEnum):
    spouse = "spouse"
    ex_spouse = "ex_spouse"
    partner = "partner"
    parent = "parent"
    child = "child"
    in_law = "in_law"
    employer = "employer"
    other = "other"
