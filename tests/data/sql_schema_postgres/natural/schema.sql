-- A second correct design: natural keys, a composite key for enrollments, NOT NULL implied by PRIMARY KEY.
CREATE TABLE students (
    email text PRIMARY KEY,
    name  text NOT NULL
);
CREATE TABLE instructors (
    email text NOT NULL PRIMARY KEY,
    name  text NOT NULL
);
CREATE TABLE courses (
    code             text NOT NULL PRIMARY KEY,
    title            text NOT NULL,
    instructor_email text NOT NULL,
    FOREIGN KEY (instructor_email) REFERENCES instructors (email) ON UPDATE CASCADE
);
CREATE TABLE enrollments (
    student_email text NOT NULL REFERENCES students (email) ON UPDATE CASCADE,
    course_code   text NOT NULL REFERENCES courses (code),
    enrolled_on   text NOT NULL,
    grade         text,
    PRIMARY KEY (course_code, student_email)
);
CREATE VIEW enrollment_report (student_name, student_email, course_code, course_title,
                               instructor_name, instructor_email, enrolled_on, grade) AS
SELECT s.name, s.email, c.code, c.title, i.name, i.email, e.enrolled_on, e.grade
FROM enrollments e
JOIN students s ON s.email = e.student_email
JOIN courses c ON c.code = e.course_code
JOIN instructors i ON i.email = c.instructor_email;
