INSERT INTO students SELECT DISTINCT student_email, student_name FROM staging_report;
INSERT INTO instructors SELECT DISTINCT instructor_email, instructor_name FROM staging_report;
INSERT INTO courses SELECT DISTINCT course_code, course_title, instructor_email FROM staging_report;
INSERT INTO enrollments SELECT student_email, course_code, enrolled_on, grade FROM staging_report;
