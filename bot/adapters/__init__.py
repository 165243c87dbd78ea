"""Platform adapters: each translates its platform's requests in and renders replies out."""
