"""Realistic people for generated records: Chinese names, mobile numbers, 18-digit ID numbers, addresses."""

import random
from datetime import date, timedelta

from bench.bulk import words

# Common surnames, weighted towards those frequent in Guangdong (陈, 李, 黄, 张, 梁, 林 …).
SURNAMES = (
    "陈" * 12
    + "李" * 10
    + "黄" * 9
    + "张" * 7
    + "梁" * 6
    + "刘" * 6
    + "林" * 6
    + "何" * 4
    + "罗" * 4
    + "郑" * 4
    + "杨吴谢冯朱邓曾叶苏蔡卢许彭钟潘郭王赵周徐孙马胡高宋唐韩邱江余温莫廖欧阳"
)
FEMALE = "秀英华丽敏静芳娟霞玲燕红梅兰萍艳琴云莲凤洁婷雪慧颖琳倩晶欣佳怡丹莉淑珍桂美春嘉思雅文君月翠晓惠玉"
MALE = "伟强军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林峰磊建国志文东海荣锦炳权"
STREETS = words("人民路 建设路 解放路 中山路 新华路 文化路 东风路 和平路 幸福路 朝阳路 府前路 环城路")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
MOBILE_PREFIXES = words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 155 156 157 158 159 166 177 180 181 182 183 186 "
    "187 188 189 198 199"
)


def name(rng: random.Random, *, female: bool = True) -> str:
    chars = FEMALE if female else MALE
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.8 else "")
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_number(rng: random.Random, county_code: str, birth: date, *, female: bool) -> str:
    """An 18-digit resident ID with a valid check character (GB 11643): region, birth date, sequence, check."""
    seq = rng.randrange(0, 999)
    if (seq % 2 == 1) == female:  # odd for men, even for women
        seq = (seq + 1) % 1000
    body = f"{county_code[:6]}{birth:%Y%m%d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def birth_date(rng: random.Random, *, low: int, high: int, on: date) -> date:
    """A birthday for someone aged `low`..`high` on `on`."""
    age_days = rng.randint(low * 365, high * 365 + 364)
    return on - timedelta(days=age_days)


def address(rng: random.Random, region_name: str) -> str:
    return f"{region_name}{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋{rng.randint(101, 1805)}"
