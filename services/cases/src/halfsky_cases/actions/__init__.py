"""Actions on a case's timeline: calls, visits, consultations, mediation, referrals, support (处置措施)."""
