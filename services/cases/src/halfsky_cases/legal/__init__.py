"""Legal measures as records: warning letters (告诫书), protection orders (人身安全保护令), legal aid."""
