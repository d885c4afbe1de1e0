"""Coverage packages, their items, eligibility rules, limits and service usage."""
