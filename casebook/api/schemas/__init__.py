"""Pydantic models: they validate requests, shape responses and generate the OpenAPI document."""
