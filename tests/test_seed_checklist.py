"""Every item the seed documents name is reachable in the product (tests/fixtures/seed-checklist.yaml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from backend_mentor.curriculum.catalog import load_catalog
from backend_mentor.curriculum.search import search

CHECKLIST = yaml.safe_load((Path(__file__).parent / "fixtures" / "seed-checklist.yaml").read_text())


def items(values: list) -> list[str]:
    """Checklist entries as text: YAML splits "A (B, C)" at the comma and reads "Name: value" as a mapping."""
    merged: list[str] = []
    for value in values:
        text = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
        if merged and merged[-1].count("(") > merged[-1].count(")"):
            merged[-1] += f", {text}"
        else:
            merged.append(text)
    return merged


ROLE_IDS = {
    "Backend Developer": "backend-developer",
    "Node.js Developer": "nodejs-developer",
    "Python Developer": "python-developer",
    "Java Developer": "java-developer",
    "Go Developer": "go-developer",
    "PHP Developer": "php-developer",
    "API Designer": "api-designer",
    "Database Administrator": "database-administrator",
    "DevOps Engineer": "devops-engineer",
    "SQL Developer": "sql-developer",
    "NoSQL Developer": "nosql-developer",
    "Data Engineer": "data-engineer",
}
GROUPS = {"core": "core", "specialized": "specialized", "data": "data"}
TRACK_LANGUAGES = {
    "Node.js/JavaScript": "node",
    "Python": "python",
    "Go": "go",
    "Java": "java",
    "TypeScript": "typescript",
    "C#": "csharp",
    "Ruby": "ruby",
    "PHP": "php",
}
CHAINS = {
    "Node.js Specialist": ["nodejs-developer", "fullstack-javascript", "realtime-systems"],
    "Python Developer": ["python-developer", "python-data-processing", "ml-integration"],
    "Go Expert": ["go-developer", "high-performance-go", "cloud-infrastructure"],
    "Database Architect": ["database-architect", "data-modeling-specialist", "system-design-leadership"],
    "Microservices Expert": ["microservices-expert", "distributed-systems", "infrastructure-design"],
}
TOPICS = {
    "HTTP/HTTPS basics": "http-basics",
    "Request/Response cycle": "request-response-cycle",
    "Stateless design principles": "statelessness",
    "REST API basics": "rest-principles",
    "RESTful API design (CRUD, versioning, pagination, filtering)": "rest-resource-design",
    "Relational database concepts": "relational-model",
    "CRUD operations": "crud",
    "SQL basics": "sql-basics",
    "Data modeling": "data-modeling",
    "Middleware": "middleware",
    "Authentication": "authentication-basics",
    "Error handling and logging": "error-handling",
    "Configuration management": "environment-configuration",
    "Environment management": "environment-configuration",
    "Normalization and design patterns": "normalization data-modeling",
    "Denormalization strategies": "denormalization",
    "ER diagrams": "er-diagrams",
    "Indexing and query optimization": "query-optimization indexes",
    "Execution plans": "execution-plans",
    "Performance profiling": "performance-profiling query-optimization",
    "Transactions and ACID": "acid-transactions",
    "NoSQL databases overview": "nosql-overview",
    "Connection pooling": "connection-pooling",
    "Caching strategies (Redis)": "caching-strategies",
    "Database replication": "database-replication",
    "Database sharding": "sharding",
    "Database backups": "database-backups",
    "Database migration": "schema-migrations",
    "Load balancing": "load-balancing",
    "Horizontal scaling": "horizontal-scaling",
    "Microservices design": "microservices",
    "Service decomposition": "service-decomposition",
    "Event-driven architecture": "event-driven-architecture",
    "Event sourcing": "event-sourcing",
    "CQRS": "cqrs",
    "Message queues (RabbitMQ, Kafka, AWS SQS)": "message-queues",
    "GraphQL (schema design, resolvers, subscriptions)": "graphql",
    "gRPC and Protocol Buffers (streaming)": "grpc grpc-streaming",
    "WebSockets": "websockets",
    "API security (authentication, authorization, rate limiting, validation)": "api-security",
    "API documentation (OpenAPI/Swagger, versioning strategies)": "api-documentation openapi",
    "JWT": "jwt",
    "OAuth": "oauth2",
    "Sessions": "sessions",
    "Monolithic architecture (layered design)": "monolith-layered",
    "SOLID principles": "solid",
    "Clean code": "clean-code",
    "Domain-Driven Design (bounded contexts, entities, aggregates)": "ddd",
    "Async/await": "async-await",
    "Event-driven architecture in Node.js": "nodejs event-driven-architecture",
    "Real-time systems": "real-time-systems",
    "Go concurrency": "go-concurrency",
    "TypeScript advanced patterns": "typescript-advanced-patterns",
    "Unit and integration testing": "unit-testing integration-testing",
    "Docker": "docker",
    "Kubernetes": "kubernetes",
    "CI/CD pipelines": "ci-cd",
    "Monitoring": "monitoring-alerting",
    "Git and version control": "git",
    "Distributed transactions": "distributed-transactions",
    "System design": "system-design",
}
TECHNOLOGIES = {
    "Node.js": "nodejs",
    "Express": "express",
    "NestJS": "nestjs",
    "npm": "npm",
    "Python": "python-backend",
    "Django": "django",
    "FastAPI": "fastapi",
    "Flask": "flask",
    "Java": "java-backend",
    "Spring Boot": "spring-boot",
    "Spring Data": "spring-data",
    "Go": "go-basics",
    "Gin": "gin",
    "Echo": "echo",
    "PHP": "php-backend",
    "Laravel": "laravel",
    "Symfony": "symfony",
    "WordPress": "wordpress-architecture",
    "C#": "csharp-aspnet-core",
    "Ruby": "ruby-rails",
    "TypeScript": "typescript-backend",
    "PostgreSQL": "postgresql",
    "MySQL": "mysql",
    "MongoDB": "mongodb",
    "Redis": "redis",
    "DynamoDB": "dynamodb",
    "Cassandra": "cassandra",
    "Memcached": "memcached",
    "RabbitMQ": "rabbitmq",
    "Kafka": "kafka",
    "AWS SQS": "aws-sqs",
    "Jest": "jest",
    "Pytest": "pytest",
    "JUnit": "junit",
    "Mocha": "mocha",
    "Go testing": "go-testing",
    "Docker": "docker",
    "Kubernetes": "kubernetes",
    "REST": "rest-principles",
    "GraphQL": "graphql",
    "gRPC": "grpc",
    "WebSockets": "websockets",
}
PROJECTS = {
    "Simple REST API (Blog, Todo app)": "blog-todo-api",
    "User authentication system": "user-auth-system",
    "Database CRUD operations": "database-crud",
    "Real-time WebSocket server": "websocket-server",
    "File upload/download service": "file-upload-service",
    "E-commerce backend API": "ecommerce-backend",
    "Social media API with followers": "social-media-api",
    "Payment gateway integration": "payment-gateway-integration",
    "Real-time chat server": "realtime-chat-server",
    "Content management system API": "cms-api",
    "Microservices e-commerce platform": "microservices-ecommerce",
    "Real-time analytics backend": "realtime-analytics-backend",
    "Scalable chat application": "scalable-chat-app",
    "Content recommendation engine": "recommendation-engine",
    "Distributed transaction system": "distributed-transaction-system",
}
CHECKPOINTS = {
    "Build a RESTful API from scratch": "build-rest-api",
    "Design normalized database schema": "design-normalized-schema",
    "Write complex SQL queries with joins": "complex-sql-joins",
    "Implement authentication (JWT/OAuth)": "implement-auth",
    "Set up caching layer (Redis)": "caching-layer",
    "Write unit and integration tests": "unit-integration-tests",
    "Deploy backend with monitoring": "deploy-with-monitoring",
    "Optimize database queries (explain plan)": "optimize-queries",
}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_every_role_is_a_role_path_in_its_group(catalog):
    for item in items(CHECKLIST["roles"]):
        name, group = re.match(r"(.+) \[(\w+)\]$", item).groups()
        path = catalog.paths[ROLE_IDS[name]]
        assert (path.kind, path.group, path.title) == ("role", GROUPS[group], name)


def test_every_language_track_is_a_language_path(catalog):
    for item in CHECKLIST["language_tracks"]:
        language = TRACK_LANGUAGES[item]
        assert any(p.kind == "language" and language in p.languages for p in catalog.paths.values()), item


def test_specialization_chains_are_linked_with_next(catalog):
    assert len(items(CHECKLIST["specializations"])) == len(CHAINS)
    for item in items(CHECKLIST["specializations"]):
        chain = CHAINS[item.split(" → ")[0]]
        for current, following in zip(chain, chain[1:]):
            assert following in catalog.paths[current].next, (current, following)
        assert all(catalog.paths[p].kind == "specialization" for p in chain[1:])


def test_every_path_has_the_three_stages(catalog):
    expected = [("beginner", "0-3"), ("intermediate", "3-6"), ("advanced", "6-12")]
    assert [s.split(" (")[0].lower() for s in items(CHECKLIST["stages"])] == [level for level, _ in expected]
    for path in catalog.paths.values():
        assert [(s.level, s.months) for s in path.stages] == expected, path.id
        assert all(s.goals and s.modules for s in path.stages), path.id


def found(catalog, query: str, accepted: str) -> bool:
    result = search(catalog, query)
    ids = accepted.split()
    if result.best is not None:
        return result.best.id in ids
    return any(h.id in ids for h in result.hits[:3])


@pytest.mark.parametrize("item", items(CHECKLIST["topics"]))
def test_every_seed_topic_is_found_by_mentor(catalog, item):
    assert found(catalog, item, TOPICS[item]), [h.id for h in search(catalog, item).hits[:3]]


@pytest.mark.parametrize("item", items(CHECKLIST["technologies"]))
def test_every_seed_technology_is_found_by_mentor(catalog, item):
    assert found(catalog, item, TECHNOLOGIES[item]), [h.id for h in search(catalog, item).hits[:3]]


def test_every_seed_project_exists_at_its_level(catalog):
    for level, names in CHECKLIST["projects"].items():
        for item in items(names):
            project = catalog.projects[PROJECTS[item]]
            assert project.level == level and project.features and project.milestones
            assert all(m["acceptance"] for m in project.milestones)


def test_every_seed_checkpoint_exists_and_is_automatic(catalog):
    from backend_mentor.checkpoints.registry import MODULES

    for item in items(CHECKLIST["checkpoints"]):
        checkpoint = catalog.checkpoints[CHECKPOINTS[item]]
        assert checkpoint.kind in MODULES


def test_career_facts_technologies_metrics_and_resources_on_the_backend_path(catalog):
    path = catalog.paths["backend-developer"]
    career = " ".join(path.career.values()).lower()
    for fact in ("high", "$92,000", "$130,000", "remote", "4-8 months", "senior", "staff", "architect"):
        assert fact.lower() in career, fact
    assert all(path.technologies.get(level) for level in ("essential", "professional", "expert"))
    assert "git" in " ".join(path.technologies["essential"]).lower()
    assert len(path.success_metrics) >= len(items(CHECKLIST["success_metrics"]))
    fields = {
        "Market demand": "demand",
        "Average salary (US)": "salary_range",
        "Remote opportunities": "remote",
        "Time to employment": "time_to_employment",
        "Growth trajectory": "growth",
    }
    for fact in items(CHECKLIST["career"]):
        name, value = fact.split(": ", 1)
        shown = path.career[fields[name]].lower()
        assert value.split()[0].lower().strip(",") in shown, (name, shown)
    urls = {r["url"].rstrip("/") for p in catalog.paths.values() for r in p.resources}
    for item in items(CHECKLIST["resources"]):
        assert item.split(": ", 1)[1] in urls, item
    role_paths = [p for p in catalog.paths.values() if p.kind == "role"]
    assert all(p.career.get("demand") and p.career.get("salary_range") for p in role_paths)


def test_every_checkpoint_appears_in_the_backend_path(catalog):
    listed = {c for s in catalog.paths["backend-developer"].stages for c in s.checkpoints}
    assert listed == set(catalog.checkpoints)
