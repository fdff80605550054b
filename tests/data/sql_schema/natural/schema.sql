-- A second correct design: natural keys, composite key for enrollments, WITHOUT ROWID.
CREATE TABLE students (
    email TEXT PRIMARY KEY NOT NULL,
    name  TEXT NOT NULL
);
CREATE TABLE instructors (
    email TEXT NOT NULL PRIMARY KEY,
    name  TEXT NOT NULL
);
CREATE TABLE courses (
    code             TEXT NOT NULL PRIMARY KEY,
    title            TEXT NOT NULL,
    instructor_email TEXT NOT NULL,
    FOREIGN KEY (instructor_email) REFERENCES instructors (email) ON UPDATE CASCADE
);
CREATE TABLE enrollments (
    student_email TEXT NOT NULL REFERENCES students (email) ON UPDATE CASCADE,
    course_code   TEXT NOT NULL REFERENCES courses (code),
    enrolled_on   TEXT NOT NULL,
    grade         TEXT,
    PRIMARY KEY (course_code, student_email)
) WITHOUT ROWID;
CREATE VIEW enrollment_report (student_name, student_email, course_code, course_title,
                               instructor_name, instructor_email, enrolled_on, grade) AS
SELECT s.name, s.email, c.code, c.title, i.name, i.email, e.enrolled_on, e.grade
FROM enrollments e
JOIN students s ON s.email = e.student_email
JOIN courses c ON c.code = e.course_code
JOIN instructors i ON i.email = c.instructor_email;
