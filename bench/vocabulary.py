"""What generated cases say: channel and category mix, summaries, respondents, outcomes."""

CHANNELS = {
    "hotline": 42,
    "visit": 24,
    "letter": 5,
    "online": 9,
    "mobile_app": 5,
    "partner_referral": 7,
    "outreach": 5,
    "petition": 3,
}
CATEGORIES = {
    "marriage_family": 36,
    "domestic_violence": 22,
    "property_rights": 12,
    "labour_rights": 10,
    "children_rights": 7,
    "personal_rights": 5,
    "sexual_harassment": 3,
    "trafficking": 1,
    "other": 4,
}
SUMMARIES = {
    "domestic_violence": [
        "丈夫酒后殴打，身上多处淤青，要求协助报警",
        "长期遭受丈夫辱骂和威胁，想申请人身安全保护令",
        "前夫离婚后仍上门骚扰殴打",
        "丈夫控制全部收入，不给生活费",
        "遭受家庭暴力后带孩子离家，需要临时庇护",
    ],
    "marriage_family": [
        "丈夫长期不回家，要求离婚并争取抚养权",
        "离婚后对方拒不支付子女抚养费",
        "婆媳矛盾激烈，请求调解",
        "咨询离婚时共同财产如何分割",
        "对方隐瞒财产，离婚诉讼需要帮助",
    ],
    "property_rights": [
        "出嫁后村里取消其土地承包经营权",
        "征地补偿款分配时外嫁女被排除",
        "宅基地分配中女儿无份",
        "父亲去世后兄弟拒绝分割遗产",
    ],
    "labour_rights": ["怀孕后被公司辞退", "同岗位工资低于男同事", "产假期间工资被停发", "单位未缴纳社会保险"],
    "sexual_harassment": ["上司多次发送骚扰信息", "在公交车上遭受猥亵，咨询维权途径", "同事言语骚扰，单位不处理"],
    "trafficking": ["亲属疑似被拐卖，请求协助寻找", "被以介绍工作为名骗至外地"],
    "children_rights": ["留守儿童无人照看，父母外出务工", "孩子在学校遭受欺凌", "父亲殴打孩子，请求干预"],
    "personal_rights": ["邻里纠纷中被打伤", "个人照片被他人恶意传播", "被限制人身自由"],
    "other": ["咨询妇女权益保障相关法律", "申请困难救助"],
}
RESPONDENT = {
    "domestic_violence": ("spouse", 0.9),
    "marriage_family": ("spouse", 0.7),
    "property_rights": ("other", 0.5),
    "labour_rights": ("employer", 0.8),
    "children_rights": ("parent", 0.5),
    "sexual_harassment": ("other", 0.6),
    "personal_rights": ("other", 0.6),
}
RESOLUTIONS = ["mediated"] * 4 + ["advised"] * 3 + ["referred"] * 2 + ["legal_action", "administrative", "withdrawn"]
AGENCIES = ["police", "court", "legal_aid", "civil_affairs", "hospital"]
