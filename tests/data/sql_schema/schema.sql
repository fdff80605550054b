-- Reference design for design-normalized-schema: surrogate keys, natural keys kept UNIQUE.
PRAGMA foreign_keys = ON;

CREATE TABLE students (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);

CREATE TABLE instructors (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);

CREATE TABLE courses (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    instructor_id INTEGER NOT NULL REFERENCES instructors(id)
);

CREATE TABLE enrollments (
    id          INTEGER PRIMARY KEY,
    student_id  INTEGER NOT NULL REFERENCES students(id),
    course_id   INTEGER NOT NULL REFERENCES courses(id),
    enrolled_on TEXT NOT NULL,
    grade       TEXT,
    UNIQUE (student_id, course_id)
);

CREATE VIEW enrollment_report AS
SELECT s.name AS student_name, s.email AS student_email,
       c.code AS course_code, c.title AS course_title,
       i.name AS instructor_name, i.email AS instructor_email,
       e.enrolled_on, e.grade
FROM enrollments e
JOIN students s ON s.id = e.student_id
JOIN courses c ON c.id = e.course_id
JOIN instructors i ON i.id = c.instructor_id;
