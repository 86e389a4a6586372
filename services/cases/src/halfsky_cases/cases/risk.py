"""The risk questionnaire (危险性评估): weighted yes/no questions and red flags giving a level."""

from pydantic import BaseModel, Field

from halfsky_cases.cases.enums import RiskLevel

# question: (weight, label)
QUESTIONS: dict[str, tuple[int, str]] = {
    "threatened_to_kill": (4, "施暴人威胁要杀死她或家人"),
    "weapon": (4, "使用或威胁使用刀具等凶器"),
    "strangulation": (4, "曾掐脖子、捂口鼻致窒息"),
    "escalation": (2, "暴力的频率或严重程度在上升"),
    "sexual_violence": (2, "曾强迫发生性行为"),
    "pregnant": (2, "受害人正在怀孕"),
    "children_at_risk": (2, "子女目睹或遭受暴力"),
    "recent_separation": (2, "近期分居或提出离婚"),
    "fears_for_life": (2, "受害人担心自己的生命安全"),
    "stalking": (1, "跟踪、骚扰、监控"),
    "substance_abuse": (1, "施暴人酗酒或吸毒"),
    "prior_police_calls": (1, "曾因家暴报警"),
}
RED_FLAGS = frozenset({"threatened_to_kill", "weapon", "strangulation"})
THRESHOLDS = ((10, RiskLevel.critical), (6, RiskLevel.high), (3, RiskLevel.medium), (0, RiskLevel.low))


class RiskAnswers(BaseModel):
    """Answers to the questionnaire; an unanswered question counts as no."""

    threatened_to_kill: bool = False
    weapon: bool = False
    strangulation: bool = False
    escalation: bool = False
    sexual_violence: bool = False
    pregnant: bool = False
    children_at_risk: bool = False
    recent_separation: bool = False
    fears_for_life: bool = False
    stalking: bool = False
    substance_abuse: bool = False
    prior_police_calls: bool = False
    notes: str = Field(default="", max_length=2000)


def assess(answers: RiskAnswers) -> tuple[int, RiskLevel]:
    """The score and level: thresholds on the score, raised by red flags (two of them make it critical)."""
    yes = {q for q in QUESTIONS if getattr(answers, q)}
    score = sum(QUESTIONS[q][0] for q in yes)
    level = next(lvl for minimum, lvl in THRESHOLDS if score >= minimum)
    flags = len(yes & RED_FLAGS)
    if flags >= 2:
        level = RiskLevel.critical
    elif flags == 1 and level in (RiskLevel.low, RiskLevel.medium):
        level = RiskLevel.high
    return score, level
