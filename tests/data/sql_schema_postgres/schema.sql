-- Reference design for design-normalized-schema on PostgreSQL: identity keys, natural keys kept UNIQUE.
CREATE TABLE students (
    id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL,
    email text NOT NULL UNIQUE
);

CREATE TABLE instructors (
    id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL,
    email text NOT NULL UNIQUE
);

CREATE TABLE courses (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          varchar(10) NOT NULL UNIQUE,
    title         text NOT NULL,
    instructor_id integer NOT NULL REFERENCES instructors(id)
);

CREATE TABLE enrollments (
    id          bigserial PRIMARY KEY,
    student_id  integer NOT NULL REFERENCES students(id),
    course_id   integer NOT NULL REFERENCES courses(id),
    enrolled_on date NOT NULL,
    grade       text,
    UNIQUE (student_id, course_id)
);

COMMENT ON TABLE enrollments IS 'One row per student per course; grade is NULL while in progress.';

CREATE VIEW enrollment_report AS
SELECT s.name AS student_name, s.email AS student_email,
       c.code AS course_code, c.title AS course_title,
       i.name AS instructor_name, i.email AS instructor_email,
       e.enrolled_on, e.grade
FROM enrollments e
JOIN students s ON s.id = e.student_id
JOIN courses c ON c.id = e.course_id
JOIN instructors i ON i.id = c.instructor_id;
