-- Parents first: the foreign keys are enforced while loading.
BEGIN;

INSERT INTO students (name, email)
SELECT DISTINCT student_name, student_email FROM staging_report;

INSERT INTO instructors (name, email)
SELECT DISTINCT instructor_name, instructor_email FROM staging_report;

INSERT INTO courses (code, title, instructor_id)
SELECT DISTINCT r.course_code, r.course_title, i.id
FROM staging_report r JOIN instructors i ON i.email = r.instructor_email;

INSERT INTO enrollments (student_id, course_id, enrolled_on, grade)
SELECT s.id, c.id, r.enrolled_on::date, r.grade
FROM staging_report r
JOIN students s ON s.email = r.student_email
JOIN courses c ON c.code = r.course_code;

COMMIT;
