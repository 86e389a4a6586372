"""Supervision (督办): a higher unit follows a case with an instruction and a due date (谁交办谁督办)."""
