create table users (email varchar(100) primary key);
