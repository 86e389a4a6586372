"""Partner agencies, service points (一点二中心一庭两站) and referrals (转介) of cases to them."""
